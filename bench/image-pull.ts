// Image pull benchmark (prints numbers, decides nothing):
//   npx tsx bench/image-pull.ts [--runs N] [--mb 100]
// Builds a ~100 MB, 3-layer image (random, compressible text, many small
// files), pushes it to a local docker-registry and measures: download alone,
// unpack alone (husk-unpack from files), and a full pull through husk's
// ImageService. If Debian's containerd is installed it pulls the same image
// with its own root, state and socket under /tmp, and prints the ratio.
import { createCipheriv } from 'node:crypto';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../src/config/config.js';
import { unpackLayer, UNPACK_BINARY } from '../src/image/unpack.js';
import { layer, type Layer } from '../hack/test-images/blobs.js';
import { buildImage } from '../hack/test-images/image-builder.js';
import { pushImage } from '../hack/test-images/push.js';
import type { TarEntry } from '../hack/test-images/tar-writer.js';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, mb: { type: 'string', default: '100' } } });
const RUNS = Number(values.runs);
const TOTAL_MB = Number(values.mb);
const MB = 1 << 20;

/** Deterministic pseudo-random bytes (AES-CTR over zeros), so the compressed blobs cache across runs. */
function noise(seed: number, size: number): Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(seed);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([c.update(Buffer.alloc(size)), c.final()]);
}

function text(seed: number, size: number): Buffer {
  const words = ['container', 'runtime', 'layer', 'overlay', 'kubelet', 'image', 'registry', 'digest', 'husk', 'pod', 'namespace', 'cgroup'];
  const r = noise(seed, Math.ceil(size / 6));
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < size; i++) {
    const w = `${words[r[i % r.length]! % words.length]}${i % 97 === 0 ? `\n${i}: ` : ' '}`;
    parts.push(w);
    len += w.length;
  }
  return Buffer.from(parts.join('').slice(0, size));
}

function benchLayers(totalMb: number): Layer[] {
  const share = (f: number) => Math.round(totalMb * f * MB);
  const randomFiles: TarEntry[] = [{ name: 'random/', type: 'dir' }];
  for (let i = 0; i < 4; i++) randomFiles.push({ name: `random/blob${i}.bin`, type: 'file', data: noise(100 + i, share(0.1)) });
  const textFiles: TarEntry[] = [{ name: 'text/', type: 'dir' }];
  for (let i = 0; i < 4; i++) textFiles.push({ name: `text/log${i}.txt`, type: 'file', data: text(200 + i, share(0.1)) });
  const small: TarEntry[] = [{ name: 'small/', type: 'dir' }];
  const count = 2000;
  const each = Math.max(1, Math.round(share(0.2) / count));
  for (let i = 0; i < count; i++) {
    const dir = `small/d${i % 50}/`;
    if (i < 50) small.push({ name: dir, type: 'dir' });
    small.push({ name: `${dir}f${i}`, type: 'file', data: i % 2 === 0 ? noise(300 + i, each) : text(300 + i, each) });
  }
  return [layer(randomFiles, 'gzip'), layer(textFiles, 'gzip'), layer(small, 'gzip')];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function report(label: string, bytes: number, seconds: number): void {
  console.log(`${label.padEnd(44)} ${(bytes / MB / seconds).toFixed(1).padStart(8)} MB/s   ${seconds.toFixed(3)} s`);
}

async function forAll<T>(items: T[], fn: (item: T, i: number) => Promise<void>): Promise<void> {
  await Promise.all(items.map(fn));
}

async function download(registry: TestRegistry, repo: string, layers: Layer[]): Promise<void> {
  await forAll(layers, async (l) => {
    const res = await fetch(`${registry.url}/v2/${repo}/blobs/${l.descriptor.digest}`);
    if (res.status !== 200) throw new Error(`blob ${l.descriptor.digest}: HTTP ${res.status}`);
    for await (const _ of res.body as AsyncIterable<Uint8Array>) {
      // drain
    }
  });
}

interface PullService {
  pull(image: string): Promise<string>;
}

/** The image service, when src/image has one (loaded loosely so the bench survives API growth). */
async function openImageService(root: string): Promise<PullService | undefined> {
  try {
    const mod = (await import('../src/image/image-service.js')) as unknown as {
      ImageService?: { open(opts: unknown): Promise<PullService> };
    };
    const { pino } = await import('pino');
    if (!mod.ImageService) return undefined;
    const config = { ...defaultConfig(), root, pause_image: '' };
    return await mod.ImageService.open({ config, unpack: unpackLayer, log: pino({ level: 'silent' }) });
  } catch (err) {
    console.log(`(ImageService unavailable: ${(err as Error).message}; measuring download + unpack streamed directly)`);
    return undefined;
  }
}

/** Without an ImageService: each layer streamed from the registry straight into husk-unpack. */
async function streamedPull(registry: TestRegistry, repo: string, layers: Layer[], root: string): Promise<void> {
  const { Readable } = await import('node:stream');
  await forAll(layers, async (l, i) => {
    const res = await fetch(`${registry.url}/v2/${repo}/blobs/${l.descriptor.digest}`);
    const dest = join(root, `layer${i}`);
    mkdirSync(dest, { recursive: true });
    await unpackLayer({ source: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), mediaType: l.descriptor.mediaType, dest });
  });
}

async function startContainerd(dir: string): Promise<{ socket: string; proc: ChildProcess; stop(): Promise<void> }> {
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '[debug]',
      '  address = ""',
      '  level = "warn"',
      '[metrics]',
      '  address = ""',
      '',
    ].join('\n'),
  );
  const proc = spawn('containerd', ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!existsSync(socket)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`containerd did not start: ${err.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    socket,
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        process.kill(proc.pid!, 'SIGTERM');
        await exited;
      }
    },
  };
}

function ctr(socket: string, args: string[]): void {
  const r = spawnSync('ctr', ['--address', socket, '--namespace', 'husk-bench', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ctr ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

/** Unmounts anything left mounted under `dir` (containerd's snapshotter), deepest first. */
function unmountUnder(dir: string): void {
  const mounts = execFileSync('awk', ['{print $5}', '/proc/self/mountinfo'], { encoding: 'utf8' })
    .split('\n')
    .filter((m) => m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
}

async function main(): Promise<void> {
  if (!existsSync(UNPACK_BINARY)) throw new Error(`${UNPACK_BINARY} missing: run make -C native`);
  const work = mkdtempSync(join(tmpdir(), 'husk-bench-pull-'));
  const registry = await startRegistry();
  const repo = 'bench/big';
  try {
    let t = Date.now();
    const layers = benchLayers(TOTAL_MB);
    const image = buildImage(layers);
    const compressed = layers.reduce((n, l) => n + l.descriptor.size, 0);
    const uncompressed = layers.reduce((n, l) => n + l.tar.length, 0);
    console.log(`image: 3 gzip layers, ${(compressed / MB).toFixed(1)} MB compressed, ${(uncompressed / MB).toFixed(1)} MB uncompressed (built in ${Date.now() - t} ms)`);
    for (const l of layers) console.log(`  layer ${l.descriptor.digest.slice(7, 19)}: ${(l.descriptor.size / MB).toFixed(1)} MB -> ${(l.tar.length / MB).toFixed(1)} MB`);
    t = Date.now();
    await pushImage({ registry: registry.host }, repo, ['latest'], image);
    console.log(`pushed to ${registry.host} in ${Date.now() - t} ms; ${RUNS} runs each, median shown\n`);

    const dl = [];
    for (let i = 0; i < RUNS; i++) dl.push(await timeIt(() => download(registry, repo, layers)));
    report('download (3 layers in parallel, compressed)', compressed, median(dl));

    const blobDir = join(work, 'blobs');
    mkdirSync(blobDir);
    layers.forEach((l, i) => writeFileSync(join(blobDir, `l${i}`), l.bytes));
    const up = [];
    for (let i = 0; i < RUNS; i++) {
      const root = join(work, `unpack${i}`);
      up.push(
        await timeIt(() =>
          forAll(layers, async (l, j) => {
            const dest = join(root, `l${j}`);
            mkdirSync(dest, { recursive: true });
            await unpackLayer({ source: join(blobDir, `l${j}`), mediaType: l.descriptor.mediaType, dest });
          }),
        ),
      );
      rmSync(root, { recursive: true, force: true });
    }
    report('unpack (husk-unpack from files, uncompressed)', uncompressed, median(up));

    const husk = [];
    let via = 'ImageService.pull';
    for (let i = 0; i < RUNS; i++) {
      const root = join(work, `husk${i}`);
      mkdirSync(root);
      const service = await openImageService(root);
      if (!service) via = 'streamed download -> husk-unpack';
      husk.push(await timeIt(async () => (service ? void (await service.pull(`${registry.host}/${repo}:latest`)) : streamedPull(registry, repo, layers, root))));
      rmSync(root, { recursive: true, force: true });
    }
    const huskTotal = median(husk);
    report(`husk pull total (${via})`, compressed, huskTotal);
    console.log(`${''.padEnd(44)} ${(uncompressed / MB / huskTotal).toFixed(1).padStart(8)} MB/s uncompressed`);

    if (spawnSync('sh', ['-c', 'command -v containerd && command -v ctr'], { stdio: 'ignore' }).status !== 0) {
      console.log('\ncontainerd: not installed (Debian package `containerd`), no comparison');
      return;
    }
    const cd = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = join(work, `containerd${i}`);
      mkdirSync(dir);
      const c = await startContainerd(dir);
      try {
        cd.push(await timeIt(async () => ctr(c.socket, ['images', 'pull', '--plain-http', '--platform', 'linux/amd64', `${registry.host}/${repo}:latest`])));
      } finally {
        await c.stop();
        unmountUnder(dir);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const containerdTotal = median(cd);
    report('containerd 1.6 pull total (ctr, overlayfs)', compressed, containerdTotal);
    console.log(`\nratio: husk is ${(containerdTotal / huskTotal).toFixed(2)}x containerd's speed (>1 = faster)`);
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
