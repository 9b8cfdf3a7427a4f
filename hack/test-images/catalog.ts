// Every test image by name (`repo:tag`). Names are a contract with the image
// service tests; add images freely, rename none.
import { DOCKER, layer, type Layer, type Platform } from './blobs.js';
import { buildImage, buildIndex, type BuiltImage } from './image-builder.js';
import { MALICIOUS_LAYERS } from './malicious.js';
import { busyboxRootfs } from './rootfs.js';
import type { TarEntry } from './tar-writer.js';

export interface CatalogEntry {
  repo: string;
  tags: string[];
  image: BuiltImage;
}

function marker(path: string, text: string): TarEntry[] {
  const dirs = path.split('/').slice(0, -1);
  const out: TarEntry[] = [];
  for (let i = 1; i <= dirs.length; i++) out.push({ name: `${dirs.slice(0, i).join('/')}/`, type: 'dir' });
  out.push({ name: path, type: 'file', data: text });
  return out;
}

/** The whiteout test stack: /data/a removed, /data/dir made opaque, then more added. */
export function whiteoutLayers(): TarEntry[][] {
  return [
    [
      { name: 'data/', type: 'dir' },
      { name: 'data/a', type: 'file', data: 'a from layer 1\n' },
      { name: 'data/b', type: 'file', data: 'b from layer 1\n' },
      { name: 'data/dir/', type: 'dir' },
      { name: 'data/dir/x', type: 'file', data: 'x from layer 1\n' },
      { name: 'data/dir/y', type: 'file', data: 'y from layer 1\n' },
      { name: 'data/keep/', type: 'dir' },
      { name: 'data/keep/z', type: 'file', data: 'z from layer 1\n' },
    ],
    [
      { name: 'data/', type: 'dir' },
      { name: 'data/.wh.a', type: 'file' },
      { name: 'data/dir/', type: 'dir' },
      { name: 'data/dir/.wh..wh..opq', type: 'file' },
      { name: 'data/dir/new', type: 'file', data: 'new from layer 2\n' },
    ],
    [
      { name: 'data/', type: 'dir' },
      { name: 'data/c', type: 'file', data: 'c from layer 3\n' },
      { name: 'data/b', type: 'file', data: 'b from layer 3\n' },
    ],
  ];
}

const MULTIARCH: Platform[] = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
  { architecture: 'arm', os: 'linux', variant: 'v7' },
];

function archTag(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

export function buildCatalog(): CatalogEntry[] {
  const rootfs = busyboxRootfs();
  const base = layer(rootfs, 'gzip');
  const with1 = (extra: Layer, settings = {}) => buildImage([base, extra], settings);

  const catalog: CatalogEntry[] = [
    { repo: 'husk-test/busybox', tags: ['latest', '1.0', 'extra'], image: buildImage([base]) },
    {
      repo: 'husk-test/other',
      tags: ['latest'],
      image: with1(layer(marker('etc/husk-other', 'other\n')), { labels: { 'org.husk.test': 'other' } }),
    },
    { repo: 'husk-test/user', tags: ['uid'], image: buildImage([base], { user: '1002' }) },
    { repo: 'husk-test/user', tags: ['uidgid'], image: buildImage([base], { user: '1002:1003' }) },
    { repo: 'husk-test/user', tags: ['name'], image: buildImage([base], { user: 'www-data' }) },
    { repo: 'husk-test/user', tags: ['namegroup'], image: buildImage([base], { user: 'www-data:grp' }) },
    {
      repo: 'husk-test/config',
      tags: ['latest'],
      image: with1(layer([{ name: 'work/', type: 'dir' }, ...marker('work/greeting', 'hello from the image\n')]), {
        entrypoint: ['/bin/sh', '-c'],
        cmd: ['echo "$GREETING"; pwd'],
        env: [...['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], 'GREETING=hello husk', 'HUSK_TEST=1'],
        workdir: '/work',
        stopSignal: 'SIGUSR1',
        labels: { 'org.husk.test': 'config', maintainer: 'husk' },
        exposedPorts: ['8080/tcp'],
        volumes: ['/data'],
      }),
    },
    {
      repo: 'husk-test/layers',
      tags: ['latest'],
      image: buildImage([base, ...whiteoutLayers().map((entries) => layer(entries, 'gzip'))]),
    },
    {
      repo: 'husk-test/zstd',
      tags: ['latest'],
      image: buildImage([layer(rootfs, 'zstd'), layer(marker('etc/husk-zstd', 'zstd\n'), 'zstd')]),
    },
    {
      repo: 'husk-test/uncompressed',
      tags: ['latest'],
      image: buildImage([layer(rootfs, 'none'), layer(marker('etc/husk-uncompressed', 'uncompressed\n'), 'none')]),
    },
    {
      repo: 'husk-test/multiarch',
      tags: ['latest'],
      image: buildIndex(
        MULTIARCH.map((p) =>
          buildImage([base, layer(marker(`etc/husk-arch`, `${archTag(p)}\n`))], { labels: { 'org.husk.arch': archTag(p) } }, { platform: p }),
        ),
        MULTIARCH,
      ),
    },
  ];

  const dockerBase = layer(rootfs, 'gzip', DOCKER.layerGzip);
  const dockerPlatforms: Platform[] = [MULTIARCH[0]!, MULTIARCH[1]!];
  const dockerImages = dockerPlatforms.map((p) =>
    buildImage([dockerBase, layer(marker('etc/husk-docker', `${archTag(p)}\n`), 'gzip', DOCKER.layerGzip)], {}, { platform: p, flavour: 'docker' }),
  );
  catalog.push(
    { repo: 'husk-test/docker', tags: ['latest'], image: buildIndex(dockerImages, dockerPlatforms, 'docker') },
    { repo: 'husk-test/docker', tags: ['single'], image: dockerImages[0]! },
  );

  for (const m of MALICIOUS_LAYERS) {
    catalog.push({ repo: 'husk-test/slip', tags: [m.name], image: buildImage([base, layer(m.entries, 'gzip')]) });
  }
  return catalog;
}
