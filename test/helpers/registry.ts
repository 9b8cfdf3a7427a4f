// Starts Debian's `docker-registry` (distribution 2.x) on 127.0.0.1 for
// integration tests: its own temp dir for config and storage, optional
// htpasswd auth, stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { freePort } from './free-port.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryAuth {
  username: string;
  password: string;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, the registry host as image references spell it. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  auth?: RegistryAuth;
  /** Everything the registry logged so far (for failure messages). */
  output(): string;
  /** Kills the registry by PID, waits for it, and removes its temp dir. */
  stop(): Promise<void>;
}

function configYaml(dir: string, port: number, withAuth: boolean): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (withAuth) {
    lines.push('auth:', '  htpasswd:', '    realm: husk-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  return lines.join('\n') + '\n';
}

function waitForExit(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** Polls `/v2/` until it answers (200, or 401 when auth is on). */
async function waitUntilServing(url: string, proc: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function startRegistry(opts: { auth?: RegistryAuth } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'husk-registry-'));
  mkdirSync(join(dir, 'data'));
  if (opts.auth) {
    const hash = bcrypt.hashSync(opts.auth.password, 4);
    writeFileSync(join(dir, 'htpasswd'), `${opts.auth.username}:${hash}\n`);
  }
  let lastError = '';
  // A port picked free may be taken before the registry binds it: retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const configPath = join(dir, 'config.yml');
    writeFileSync(configPath, configYaml(dir, port, opts.auth !== undefined));
    const proc = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const spawnFailed = new Promise<Error>((resolve) => proc.once('error', resolve));
    const url = `http://127.0.0.1:${port}`;
    const ready = await Promise.race([waitUntilServing(url, proc, 15000), spawnFailed]);
    if (ready === true) {
      return {
        host: `127.0.0.1:${port}`,
        url,
        auth: opts.auth,
        output: () => out,
        async stop() {
          if (proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
            process.kill(proc.pid, 'SIGTERM');
            const timer = setTimeout(() => proc.pid !== undefined && proc.exitCode === null && process.kill(proc.pid, 'SIGKILL'), 5000);
            await waitForExit(proc);
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    lastError = ready instanceof Error ? ready.message : out;
    if (proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null) process.kill(proc.pid, 'SIGKILL');
    await waitForExit(proc);
    if (ready instanceof Error) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${lastError.trim().slice(-2000)}`);
}
