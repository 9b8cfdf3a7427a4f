// Builders and waits for RuntimeService integration tests: a husk daemon with
// a CNI bridge network of its own, the test registry's images, CRI requests.
import { eventually } from '../../helpers/eventually.js';
import { readFileSync, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startHusk, type HuskUnderTest } from '../../helpers/husk-daemon.js';
import { unary } from '../../../src/client/cri-client.js';
import { requireImageEnv, sharedRegistry, stopRegistries } from '../image/image-env.js';
import { requireTools, requireFile } from '../../helpers/requirements.js';

export interface RuntimeEnv {
  husk: HuskUnderTest;
  bridge: string;
  subnet: string;
  logDir: string;
  pod(name: string, extra?: Record<string, unknown>): Promise<string>;
  container(podId: string, name: string, command: string[], extra?: Record<string, unknown>): Promise<string>;
  /** kill -9 the daemon (containers keep running), run `whileDown`, start a new daemon on the same roots. */
  crashAndRestart(whileDown?: () => Promise<void>): Promise<void>;
  cleanup(): Promise<void>;
}

/** A husk with its own bridge network (unique name and subnet) and the busybox test image pulled. */
export async function runtimeEnv(image: string): Promise<RuntimeEnv> {
  const tag = randomBytes(3).toString('hex');
  const bridge = `husk-r-${tag}`;
  const subnet = `10.${100 + (parseInt(tag.slice(0, 2), 16) % 100)}.${parseInt(tag.slice(2, 4), 16)}`;
  const husk = await startHusk('', {});
  const netDir = join(husk.dir, 'cni');
  mkdirSync(netDir, { recursive: true });
  writeFileSync(
    join(netDir, '10-husk-test.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: `husk-test-${tag}`,
      plugins: [
        { type: 'bridge', bridge, isGateway: true, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: `${subnet}.0/24` }]], dataDir: join(husk.dir, 'ipam') } },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      ],
    }),
  );
  // The daemon looks plugins up in bin_dirs: point them at Debian's.
  const binDir = join(husk.dir, 'cni-bin');
  mkdirSync(binDir, { recursive: true });
  for (const p of ['bridge', 'host-local', 'portmap', 'loopback']) execFileSync('ln', ['-sf', `/usr/lib/cni/${p}`, join(binDir, p)]);
  const logDir = join(husk.dir, 'logs');
  await unary(husk.cri.image, 'PullImage', { image: { image } });

  const env: RuntimeEnv = {
    husk,
    bridge,
    subnet,
    logDir,
    async pod(name, extra = {}) {
      const res = await unary(env.husk.cri.runtime, 'RunPodSandbox', { config: podConfig(name, logDir, extra) });
      return res.pod_sandbox_id;
    },
    async container(podId, name, command, extra = {}) {
      const res = await unary(env.husk.cri.runtime, 'CreateContainer', {
        pod_sandbox_id: podId,
        config: { metadata: { name }, image: { image }, command, log_path: `${name}.log`, ...extra },
        sandbox_config: podConfig('unused', logDir),
      });
      return res.container_id;
    },
    async crashAndRestart(whileDown) {
      await env.husk.stop('SIGKILL');
      await whileDown?.();
      env.husk = await startHusk('', { dir: env.husk.dir });
    },
    async cleanup() {
      const husk = env.husk;
      const pods = await unary(husk.cri.runtime, 'ListPodSandbox', {}).catch(() => ({ items: [] as { id: string }[] }));
      for (const p of pods.items) await unary(husk.cri.runtime, 'RemovePodSandbox', { pod_sandbox_id: p.id }).catch(() => undefined);
      await husk.stop();
      try {
        execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
      } catch {
        // no pod ever made it
      }
      rmSync(husk.dir, { recursive: true, force: true });
    },
  };
  return env;
}

export function podConfig(name: string, logDir: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name, namespace: 'husk-test', uid: `${name}-uid`, attempt: 0 },
    hostname: name,
    log_directory: join(logDir, name),
    labels: { app: name },
    ...extra,
  };
}

export { eventually };

/** The text of a CRI log file (the message part of each line, partials joined). */
export function logText(path: string): string {
  if (!existsSync(path)) return '';
  let out = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\S+ (stdout|stderr) ([PF]) (.*)$/.exec(line);
    if (m) out += m[3] + (m[2] === 'F' ? '\n' : '');
  }
  return out;
}

/**
 * The usual RuntimeService suite setup: skip (with the reason) without root,
 * the registry, CNI plugins or the monitor; else a husk with the busybox test
 * image for the describe block, cleaned up after it.
 */
export function useRuntimeEnv(): { readonly env: RuntimeEnv } {
  let env: RuntimeEnv | undefined;
  before(async function () {
    requireImageEnv(this);
    requireTools(this, 'ip', 'iptables');
    requireFile(this, '/usr/lib/cni/bridge', "Debian's containernetworking-plugins");
    requireFile(this, 'native/out/husk-monitor', 'the monitor; build it with `make -C native`');
    const reg = await sharedRegistry();
    env = await runtimeEnv(`${reg.registry.host}/husk-test/busybox:latest`);
  });
  after(async () => {
    await env?.cleanup();
    await stopRegistries();
  });
  return {
    get env() {
      return env!;
    },
  };
}

/** The body of `url` once it answers 200 (a server in a pod takes a moment to listen). */
export function bodyWhenServing(url: string, what: string): Promise<string> {
  return eventually(async () => {
    try {
      const res = await fetch(url);
      return res.ok ? res.text() : undefined;
    } catch {
      return undefined;
    }
  }, what);
}
