// Stand-ins for every image critest (cri-tools v1.26.1) pulls, built from
// Debian's busybox-static. Each is pushed under its upstream path to one
// registry that husk uses as the mirror of both upstream hosts. What each
// image must provide, and which specs rely on it, is listed beside it.
// test-image-digest is absent: critest pulls it by a fixed upstream digest,
// which no stand-in can have.
import { readFileSync } from 'node:fs';
import { layer, type Layer } from './blobs.js';
import { buildImage, type BuiltImage, type ImageSettings } from './image-builder.js';
import { BUSYBOX_ACCOUNTS, critestRootfs, dir, file, script } from './critest-rootfs.js';
import { BUSYBOX } from './rootfs.js';
import type { TarEntry } from './tar-writer.js';

export type UpstreamHost = 'registry.k8s.io' | 'gcr.io';

export interface CritestImage {
  host: UpstreamHost;
  /** The upstream path, which is also the path on the mirror. */
  repo: string;
  tags: string[];
  image: BuiltImage;
}

const E2E = 'e2e-test-images';
const CRI_TOOLS = 'k8s-staging-cri-tools';
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Parent directories first, then the entries. */
function withParents(entries: TarEntry[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const e of entries) {
    const parts = e.name.replace(/\/$/, '').split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const named = new Set(entries.map((e) => e.name.replace(/\/$/, '')));
  return [...[...dirs].filter((d) => !named.has(d)).sort().map((d) => dir(d)), ...entries];
}

/**
 * nginx: busybox httpd serving a page on PORT, under nginx's names. Specs:
 * HostPID (reads /var/run/nginx.pid, finds it with `pidof nginx` from a
 * host-PID container), ContainerPID (PID 1's command line has "master
 * process"), PodPID (it must not be PID 1), port mapping / port-forward
 * (GET / answers 200).
 */
function nginxLayer(port: number): Layer {
  const start = [
    '#!/bin/sh',
    '# nginx stand-in: busybox httpd under the names critest looks for. The',
    '# exec-ed file is a link called nginx (so comm is "nginx"), and argv[0]',
    '# starts with "busybox" (so busybox runs argv[1], httpd) and reads like',
    "# nginx's master process title.",
    'echo $$ > /var/run/nginx.pid',
    `exec -a "busybox nginx: master process nginx $*" /usr/lib/nginx/nginx httpd -f -p ${port} -h /usr/share/nginx/html`,
  ].join('\n');
  return layer(
    withParents([
      dir('var/run'),
      script('usr/sbin/nginx', `${start}\n`),
      { name: 'usr/lib/nginx/nginx', type: 'symlink', linkname: '/bin/busybox' },
      file('usr/share/nginx/html/index.html', '<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>\n'),
    ]),
  );
}

function nginxSettings(port: number): ImageSettings {
  return { env: [PATH_ENV], cmd: ['nginx', '-g', 'daemon off;'], exposedPorts: [`${port}/tcp`], stopSignal: 'SIGTERM' };
}

/**
 * httpd: busybox httpd on port 80 that logs Apache's "Command line: 'httpd -D
 * FOREGROUND'" line. Specs: Multiple Containers (network, container log, exec).
 */
function httpdLayer(): Layer {
  const start = [
    '#!/bin/sh',
    '# httpd stand-in: logs the lines Apache logs at start, then serves',
    '# /usr/local/apache2/htdocs with busybox httpd on port 80.',
    'echo "[mpm_event:notice] [pid $$:tid $$] AH00489: Apache/2.4.39 (Unix) configured -- resuming normal operations" >&2',
    `echo "[core:notice] [pid $$:tid $$] AH00094: Command line: 'httpd -D FOREGROUND'" >&2`,
    'exec httpd -f -p 80 -h /usr/local/apache2/htdocs',
  ].join('\n');
  return layer(
    withParents([
      script('usr/local/apache2/bin/httpd-foreground', `${start}\n`),
      file('usr/local/apache2/htdocs/index.html', '<html><body><h1>It works!</h1></body></html>\n'),
    ]),
  );
}

/**
 * nonewprivs: prints "Effective uid: N" for a setuid-root program started by a
 * non-root user, so N is 0 unless no_new_privs stopped the kernel honouring
 * the setuid bit. The program is a setuid-root copy of busybox run as `id`,
 * which /etc/busybox.conf lets keep euid 0 (busybox drops it otherwise); under
 * no_new_privs it has no euid 0 to keep, fails, and the script reads the
 * effective uid from its own status instead. Specs: NoNewPrivs true / false.
 */
function noNewPrivsLayer(): Layer {
  const nnp = [
    '#!/bin/sh',
    '# Prints the effective uid a setuid-root program gets when this user runs it.',
    'if ! euid=$(/usr/local/suid/id -u 2>/dev/null); then',
    '  while read -r key _real effective _rest; do',
    '    [ "$key" = Uid: ] && euid=$effective',
    '  done < /proc/$$/status',
    'fi',
    'echo "Effective uid: $euid"',
  ].join('\n');
  return layer(
    withParents([
      file('etc/busybox.conf', '[SUID]\nid = sxx 0.0\n'),
      script('usr/local/bin/nnp', `${nnp}\n`),
      file('usr/local/suid/id', readFileSync(BUSYBOX), 0o4755),
    ]),
  );
}

/**
 * test-image-predefined-group: user default-user (1000:1000), also a member of
 * group-defined-in-image (50000). Spec: SupplementalGroups with a group from
 * the image (`id -G` is "1000 1234 50000").
 */
function predefinedGroupLayer(): Layer {
  return layer(
    withParents([
      file('etc/passwd', `${BUSYBOX_ACCOUNTS.passwd}default-user:x:1000:1000:default-user:/home/default-user:/bin/sh\n`),
      file('etc/group', `${BUSYBOX_ACCOUNTS.group}default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n`),
      { ...dir('home/default-user', 0o755), uid: 1000, gid: 1000 },
    ]),
  );
}

/** A one-file layer that gives an image its own content and so its own id. */
function markerLayer(name: string): Layer {
  return layer(withParents([file('etc/critest-image', `${name}\n`)]));
}

export function buildCritestCatalog(): CritestImage[] {
  const base = layer(critestRootfs());
  const on = (extra: Layer, settings: ImageSettings = {}) => buildImage([base, extra], { env: [PATH_ENV], ...settings });
  const marked = (name: string, settings: ImageSettings = {}) => on(markerLayer(name), settings);
  const criTools = (repo: string, tags: string[], image: BuiltImage): CritestImage => ({ host: 'gcr.io', repo: `${CRI_TOOLS}/${repo}`, tags, image });

  return [
    // The default container image of almost every spec: sh, top, sleep, echo,
    // ls, id, hostname, ping, brctl, netstat, pidof, mount, touch, chmod, cat,
    // plus the pgrep and ipcs scripts; root runs with group wheel.
    { host: 'registry.k8s.io', repo: `${E2E}/busybox`, tags: ['1.29-2'], image: buildImage([base], { env: [PATH_ENV], cmd: ['sh'] }) },
    { host: 'registry.k8s.io', repo: `${E2E}/nginx`, tags: ['1.14-2'], image: on(nginxLayer(80), nginxSettings(80)) },
    {
      host: 'registry.k8s.io',
      repo: `${E2E}/httpd`,
      tags: ['2.4.39-4'],
      image: on(httpdLayer(), {
        env: [`PATH=/usr/local/apache2/bin:${PATH_ENV.slice('PATH='.length)}`, 'HTTPD_PREFIX=/usr/local/apache2'],
        workdir: '/usr/local/apache2',
        cmd: ['httpd-foreground'],
        exposedPorts: ['80/tcp'],
      }),
    },
    { host: 'registry.k8s.io', repo: `${E2E}/nonewprivs`, tags: ['1.3'], image: on(noNewPrivsLayer(), { entrypoint: ['/usr/local/bin/nnp'], cmd: [] }) },
    // Host-network port-forward spec: the web server listens on 12003 itself.
    criTools('hostnet-nginx-amd64', ['latest'], on(nginxLayer(12003), nginxSettings(12003))),
    // Image Manager specs: pulled, listed, inspected and removed by reference;
    // every name is its own image except test-image-tags (one image, 3 tags).
    criTools('test-image-latest', ['latest'], marked('test-image-latest')),
    criTools('test-image-tag', ['test'], marked('test-image-tag:test')),
    criTools('test-image-tag', ['all'], marked('test-image-tag:all')),
    criTools('test-image-1', ['latest'], marked('test-image-1')),
    criTools('test-image-2', ['latest'], marked('test-image-2')),
    criTools('test-image-3', ['latest'], marked('test-image-3')),
    criTools('test-image-tags', ['1', '2', '3'], marked('test-image-tags')),
    // ImageStatus uid/username: from the config's USER alone.
    criTools('test-image-user-uid', ['latest'], marked('test-image-user-uid', { user: '1002' })),
    criTools('test-image-user-username', ['latest'], marked('test-image-user-username', { user: 'www-data' })),
    criTools('test-image-user-uid-group', ['latest'], marked('test-image-user-uid-group', { user: '1003:users' })),
    criTools('test-image-user-username-group', ['latest'], marked('test-image-user-username-group', { user: 'www-data:users' })),
    criTools('test-image-predefined-group', ['latest'], on(predefinedGroupLayer(), { user: 'default-user' })),
  ];
}
