// husk-monitor exec: a command in a running container's namespaces and
// cgroup. The monitor reports on fd 3: {"pid":N} once the command runs, or
// {"error":...}; then it exits with the command's code (128+signal if killed).
// fd 4 takes "resize ROWS COLS" and "signal N" lines. Killing the exec
// monitor kills the command (PR_SET_PDEATHSIG).
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { writeFileAtomic } from '../common/atomic-write.js';
import { isNativeError } from './errors.js';
import { MonitorError, monitorErrorFromReport } from './monitor-errors.js';
import { spawnChild, type ChildExit, type SpawnedChild } from './spawn.js';
import type { ExecSpec } from './spec.js';

export interface ExecOptions {
  monitorPath?: string;
  /** Where the short-lived spec file goes; default the OS temp dir. */
  specDir?: string;
  /** 'pipe' (default) gives stdin/stdout/stderr streams; 'inherit' passes ours. */
  stdio?: 'pipe' | 'inherit';
}

export interface ExecHandle {
  /** Host pid of the command. */
  pid: number;
  monitor: SpawnedChild;
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  /** The command's exit code (128+signal when a signal ended it); stdout and stderr may still hold output. */
  exit: Promise<number>;
  /** Sets the window size of the command's terminal (spec.process.terminal). */
  resize(rows: number, cols: number): void;
  /** Sends a signal to the command. */
  signal(signal: number): void;
  /** SIGKILLs the exec monitor, which takes the command with it. */
  kill(): void;
}

async function monitorBinary(options: ExecOptions): Promise<string> {
  if (options.monitorPath) return options.monitorPath;
  const { monitorBinaryPath } = await import('./monitor.js');
  return monitorBinaryPath();
}

/** Starts the command; resolves once it runs, rejects with a MonitorError when setup or execve failed. */
export async function execInContainer(spec: ExecSpec, options: ExecOptions = {}): Promise<ExecHandle> {
  const specPath = join(options.specDir ?? tmpdir(), `husk-exec-${randomBytes(8).toString('hex')}.json`);
  await writeFileAtomic(specPath, JSON.stringify(spec), 0o600, { sync: false }); // lives for one exec
  const io = options.stdio ?? 'pipe';
  let child: SpawnedChild;
  try {
    child = await spawnChild(await monitorBinary(options), ['exec', specPath, '--status-fd', '3', '--control-fd', '4'], { stdio: [io, io, io, 'pipe', 'pipe'] });
  } catch (e) {
    await unlink(specPath).catch(() => undefined);
    throw new MonitorError('spawn monitor', isNativeError(e) ? e.errno : 0, (e as Error).message);
  }
  // Drained into our own buffers at once, so the pipes close when the monitor
  // exits even for a caller that never reads them (a killed exec).
  const stdout = child.stdout ? child.stdout.pipe(new PassThrough()) : null;
  const stderr = child.stderr ? child.stderr.pipe(new PassThrough()) : null;
  const status = child.stdio[3]!;
  const control = child.stdio[4]!;
  control.on('error', () => undefined);
  const exit = child.reaped.then(exitCode);
  try {
    const first = await new Promise<string>((resolve, reject) => {
      let buf = '';
      status.setEncoding('utf8');
      const onData = (d: string): void => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          status.off('data', onData);
          resolve(buf.slice(0, nl));
        }
      };
      status.on('data', onData);
      // After a report line, this close settles nothing.
      status.once('close', () => void exit.then((code) => reject(new MonitorError('exec', 0, `the exec monitor exited (${code}) before the command ran`))));
    });
    const parsed = JSON.parse(first) as { pid?: number; error?: { step?: unknown; errno?: unknown; message?: unknown } };
    if (parsed.error) throw monitorErrorFromReport(parsed.error);
    if (typeof parsed.pid !== 'number') throw new MonitorError('exec', 71, `unexpected exec monitor output: ${first}`);
    status.resume();
    return {
      pid: parsed.pid,
      monitor: child,
      stdin: child.stdin,
      stdout,
      stderr,
      exit,
      resize: (rows, cols) => void control.write(`resize ${Math.trunc(rows)} ${Math.trunc(cols)}\n`),
      signal: (sig) => void control.write(`signal ${Math.trunc(sig)}\n`),
      kill: () => child.kill('SIGKILL'),
    };
  } catch (e) {
    child.kill('SIGKILL');
    for (const socket of child.stdio) socket?.destroy();
    throw e;
  } finally {
    await unlink(specPath).catch(() => undefined);
  }
}

function exitCode({ code, signal }: ChildExit): number {
  return code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

/** ExecSync: runs the command to completion (or kills it after timeoutMs) and collects its output. */
export async function execInContainerCapture(spec: ExecSpec, options: ExecOptions & { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ExecResult> {
  const handle = await execInContainer(spec, { ...options, stdio: 'pipe' });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  handle.stdout!.on('data', (d: Buffer) => out.push(d));
  handle.stderr!.on('data', (d: Buffer) => err.push(d));
  handle.stdin!.on('error', () => undefined);
  handle.stdin!.end(options.input ?? '');
  let timedOut = false;
  // On timeout the monitor kills the command and reaps it (so it is gone, not
  // a zombie, when ExecSync answers); a monitor that does not exit is killed.
  let escalation: NodeJS.Timeout | undefined;
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        handle.signal(9);
        escalation = setTimeout(() => handle.kill(), 2000);
      }, options.timeoutMs)
    : undefined;
  // The output may still be buffered when the exit is known: wait for both streams too.
  const [exitCode] = await Promise.all([handle.exit, finished(handle.stdout!).catch(() => undefined), finished(handle.stderr!).catch(() => undefined)]);
  if (timer) clearTimeout(timer);
  if (escalation) clearTimeout(escalation);
  return { exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut };
}
