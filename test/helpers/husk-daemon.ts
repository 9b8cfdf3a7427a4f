// Starts a real `husk serve` in a child process with its own temp roots and
// socket, for integration tests over the real gRPC socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { packageRoot } from '../../src/common/package-info.js';
import { connectCri, unary, type CriClients } from '../../src/client/cri-client.js';

export interface HuskUnderTest {
  dir: string;
  root: string;
  state: string;
  socket: string;
  configFile: string;
  metricsAddress: string;
  proc: ChildProcess;
  cri: CriClients;
  /** Everything the daemon wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the daemon exits, without signalling it. */
  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit; resolves with the exit code and signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Removes the temp directory (after stop). */
  cleanup(): void;
}

/** Spawns `husk serve` (through tsx, from the sources under test). */
export function spawnHusk(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'src/cli/main.ts'), ...args], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startHusk(extraToml = '', opts: { dir?: string } = {}): Promise<HuskUnderTest> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'husk-it-'));
  const root = join(dir, 'root');
  const state = join(dir, 'state');
  const socket = join(state, 'husk.sock');
  const configFile = join(dir, 'husk.toml');
  writeFileSync(
    configFile,
    `root = "${root}"\nstate = "${state}"\nsocket = "${socket}"\nlog_level = "debug"\n${extraToml}\n[metrics]\naddress = "127.0.0.1:0"\n[cni]\nconf_dir = "${join(dir, 'cni')}"\nbin_dirs = ["${join(dir, 'cni-bin')}"]\n`,
  );
  const proc = spawnHusk(['serve', '--config', configFile]);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const cri = connectCri(socket);
  await waitServing(cri, () => proc.exitCode !== null, () => out);
  const metricsAddress = /"metrics":"([^"]+)"/.exec(out)?.[1] ?? '';
  return {
    dir,
    root,
    state,
    socket,
    configFile,
    metricsAddress,
    proc,
    cri,
    output: () => out,
    waitExit: () => exited,
    async stop(signal = 'SIGTERM') {
      cri.close();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    cleanup() {
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitServing(cri: CriClients, dead: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (dead()) throw new Error(`husk exited during start:\n${output()}`);
    try {
      await unary(cri.runtime, 'Version', {}, 1000);
      if (output().includes('"msg":"husk serving"')) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`husk did not start serving within 20s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

