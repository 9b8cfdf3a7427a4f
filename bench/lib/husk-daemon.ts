// A `husk serve` for the benchmarks: the daemon as installed (bin/husk.js
// over dist/, compiled from the current sources once per run; not through
// tsx, whose loader alone costs ~25 MiB of RSS), info-level logs (debug
// logging would slow the daemon we measure), temp roots, a bridge network of
// its own and the loopback registry marked insecure. Restartable on the
// same roots.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectCri, unary, type CriClients } from '../../src/client/cri-client.js';
import { packageRoot } from '../../src/common/package-info.js';
import { writeBridgeConflist, type BridgeNetwork } from './bridge-network.js';

let compiled = false;

/** dist/ from the sources as they are now (tsc; the addon and monitor are built by hack/setup.sh). */
function compileOnce(): void {
  if (compiled) return;
  execFileSync(join(packageRoot, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: packageRoot, stdio: 'inherit' });
  compiled = true;
}

export interface BenchHusk {
  dir: string;
  state: string;
  network: BridgeNetwork;
  proc: ChildProcess;
  cri: CriClients;
  /** Everything the current daemon printed. */
  output(): string;
  /** kill -9 (monitors and containers keep running). */
  kill(): Promise<void>;
  /** Starts a daemon again on the same roots; resolves once it serves. */
  restart(): Promise<void>;
  /** SIGTERM the daemon, delete the bridge and the temp dir. */
  stop(): Promise<void>;
}

function configToml(dir: string, registryHost: string): string {
  const state = join(dir, 'state');
  return [
    `root = "${join(dir, 'root')}"`,
    `state = "${state}"`,
    `socket = "${join(state, 'husk.sock')}"`,
    'log_level = "info"',
    '[metrics]',
    'address = "127.0.0.1:0"',
    '[cni]',
    `conf_dir = "${join(dir, 'cni')}"`,
    'bin_dirs = ["/usr/lib/cni"]',
    '[registry]',
    `insecure = ["${registryHost}"]`,
    '',
  ].join('\n');
}

export async function startBenchHusk(registryHost: string): Promise<BenchHusk> {
  compileOnce();
  const dir = mkdtempSync('/tmp/husk-bench-rt-');
  const network = writeBridgeConflist(join(dir, 'cni'), join(dir, 'ipam'), 'husk-bh');
  const configFile = join(dir, 'husk.toml');
  writeFileSync(configFile, configToml(dir, registryHost));
  mkdirSync(join(dir, 'logs'));
  let out = '';
  const launch = async (): Promise<{ proc: ChildProcess; cri: CriClients }> => {
    out = '';
    const proc = spawn(process.execPath, [join(packageRoot, 'bin', 'husk.js'), 'serve', '--config', configFile], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const cri = connectCri(join(dir, 'state', 'husk.sock'));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`husk exited during start:\n${out.slice(-3000)}`);
      if (out.includes('"msg":"husk serving"')) {
        try {
          await unary(cri.runtime, 'Version', {}, 1000);
          return { proc, cri };
        } catch {
          // socket not answering yet
        }
      }
      if (Date.now() > deadline) throw new Error(`husk did not serve within 30s:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const exited = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())));
  const first = await launch();
  const h: BenchHusk = {
    dir,
    state: join(dir, 'state'),
    network,
    proc: first.proc,
    cri: first.cri,
    output: () => out,
    async kill() {
      h.cri.close();
      process.kill(h.proc.pid!, 'SIGKILL');
      await exited(h.proc);
    },
    async restart() {
      const next = await launch();
      h.proc = next.proc;
      h.cri = next.cri;
    },
    async stop() {
      h.cri.close();
      if (h.proc.exitCode === null && h.proc.signalCode === null) {
        process.kill(h.proc.pid!, 'SIGTERM');
        const timer = setTimeout(() => h.proc.exitCode === null && process.kill(h.proc.pid!, 'SIGKILL'), 15_000);
        await exited(h.proc);
        clearTimeout(timer);
      }
      network.remove();
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Lazily unmounts anything still mounted under `dir`, deepest first (after a failed run). */
export function unmountUnder(dir: string): void {
  const mounts = execFileSync('awk', ['{print $5}', '/proc/self/mountinfo'], { encoding: 'utf8' })
    .split('\n')
    .filter((m) => m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
