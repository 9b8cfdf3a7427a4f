// A long-lived `husk-monitor serve` child that forks monitors on request.
// Spawning from Node forks the whole daemon (milliseconds for a big heap);
// forking the tiny static server instead keeps container creation cheap.
// The monitors are double-forked by it and never stay its children.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { MonitorError } from './monitor-errors.js';

interface Pending {
  resolve: (line: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class MonitorSpawner {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private buf = '';

  constructor(private readonly binary: string) {}

  /** The create JSON line for the spec at specPath. */
  create(specPath: string, timeoutMs: number): Promise<string> {
    if (specPath.includes('\n')) return Promise.reject(new MonitorError('spawn monitor', 22, 'spec path contains a newline'));
    const child = this.ensure();
    const id = String(++this.seq);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.updateRef();
        reject(new MonitorError('spawn monitor', 110, `no answer from husk-monitor serve within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.updateRef();
      child.stdin!.write(`${id} create ${specPath}\n`);
    });
  }

  /** Ends the server (it also dies with the daemon through PR_SET_PDEATHSIG). */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private ensure(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const child = spawn(this.binary, ['serve'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    this.buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    child.stdin!.on('error', () => undefined);
    const fail = (why: string): void => {
      if (this.child === child) this.child = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new MonitorError('spawn monitor', 0, why));
        this.pending.delete(id);
      }
    };
    child.once('error', (e) => fail(`${this.binary} serve: ${e.message}`));
    child.once('exit', (code, signal) => fail(`${this.binary} serve exited (${code ?? signal})`));
    return child;
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const sp = line.indexOf(' ');
      const p = this.pending.get(line.slice(0, sp));
      if (!p) continue;
      clearTimeout(p.timer);
      this.pending.delete(line.slice(0, sp));
      p.resolve(line.slice(sp + 1));
    }
    this.updateRef();
  }

  /** Keeps Node alive only while a request is outstanding. */
  private updateRef(): void {
    const child = this.child;
    if (!child) return;
    const streams = [child.stdin, child.stdout] as unknown as (Socket | null)[];
    if (this.pending.size > 0) {
      child.ref();
      for (const s of streams) s?.ref?.();
    } else {
      child.unref();
      for (const s of streams) s?.unref?.();
    }
  }
}

const spawners = new Map<string, MonitorSpawner>();

export function spawnerFor(binary: string): MonitorSpawner {
  let s = spawners.get(binary);
  if (!s) {
    s = new MonitorSpawner(binary);
    spawners.set(binary, s);
  }
  return s;
}
