// The door to husk-monitor: create a container (the monitor detaches and
// holds it), start it, signal it, resize its terminal, reopen its log,
// attach, read its exit record, exec into it. Children start through the
// addon's posix_spawn (no fork of the daemon); sockets are plain net.
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../common/package-info.js';
import { writeSpec, type ContainerSpec } from './spec.js';
import { MonitorError, monitorErrorFromReport } from './monitor-errors.js';
import { monitorCommand } from './monitor-control.js';
import { spawnerFor } from './monitor-spawner.js';
import { isNativeError } from './errors.js';
import { spawnChild, type SpawnedChild } from './spawn.js';

export { attach, type AttachSession } from './monitor-attach.js';
export { readExitFile, type MonitorExit } from './monitor-exit.js';
export { execInContainer, execInContainerCapture, type ExecHandle, type ExecOptions, type ExecResult } from './monitor-exec.js';
export { MonitorError, isMonitorError } from './monitor-errors.js';

/** HUSK_MONITOR_PATH, else native/out/husk-monitor of this checkout. */
export function monitorBinaryPath(): string {
  return process.env.HUSK_MONITOR_PATH ?? join(packageRoot, 'native', 'out', 'husk-monitor');
}

/** husk-pause, for sandboxes. */
export function pauseBinaryPath(): string {
  return process.env.HUSK_PAUSE_PATH ?? join(packageRoot, 'native', 'out', 'husk-pause');
}

export interface MonitorOptions {
  monitorPath?: string;
  /** How long create may take (image mounts on slow disks); default 30 s. */
  timeoutMs?: number;
  /**
   * true (default): create through a shared `husk-monitor serve` child (cheap
   * forks); false: spawn `husk-monitor create` per container.
   */
  spawner?: boolean;
}

export interface CreatedContainer {
  /** Host pid of the container process (waiting for start). */
  pid: number;
  /** The detached monitor's pid. */
  monitorPid: number;
}

/** Runs the monitor and returns its one JSON stdout line. */
export async function runMonitor(args: string[], options: MonitorOptions = {}): Promise<{ line: string; code: number | null }> {
  const bin = options.monitorPath ?? monitorBinaryPath();
  const timeoutMs = options.timeoutMs ?? 30_000;
  let child: SpawnedChild;
  try {
    child = await spawnChild(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new MonitorError('spawn monitor', isNativeError(e) ? e.errno : 0, (e as Error).message);
  }
  let out = '';
  let err = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const { code, signal } = await child.exited.finally(() => clearTimeout(timer));
  const line = out.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) throw new MonitorError('monitor', 0, `${bin} ${args[0]} printed nothing (exit ${code ?? signal})${err ? `: ${err.trim()}` : ''}`);
  return { line, code };
}

/**
 * Writes <stateDir>/spec.json and has husk-monitor create the container:
 * namespaces, rootfs, mounts, user, capabilities..., the process waiting
 * for startContainer. Setup failures throw a MonitorError with the step
 * ("exec lookup", "cwd", "mount", ...) and errno; nothing is left behind.
 */
export async function createContainer(spec: ContainerSpec, options: MonitorOptions = {}): Promise<CreatedContainer> {
  const specPath = await writeSpec(spec);
  const line =
    options.spawner === false
      ? (await runMonitor(['create', specPath], options)).line
      : await spawnerFor(options.monitorPath ?? monitorBinaryPath()).create(specPath, options.timeoutMs ?? 30_000);
  let parsed: { pid?: unknown; monitorPid?: unknown; error?: { step?: unknown; errno?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    throw new MonitorError('monitor', 0, `unparsable monitor output: ${line.slice(0, 200)}`);
  }
  if (parsed.error) throw monitorErrorFromReport(parsed.error);
  if (typeof parsed.pid !== 'number' || typeof parsed.monitorPid !== 'number') throw new MonitorError('monitor', 0, `unexpected monitor output: ${line}`);
  return { pid: parsed.pid, monitorPid: parsed.monitorPid };
}

/** execve in the created container; resolves once it succeeded, throws (step "exec") when it failed. */
export async function startContainer(stateDir: string, timeoutMs = 10_000): Promise<void> {
  await monitorCommand(stateDir, 'start', timeoutMs);
}

/** Sends a signal to the container process (ESRCH once it has exited). */
export async function signalContainer(stateDir: string, signal: number | NodeJS.Signals): Promise<void> {
  const num = typeof signal === 'number' ? signal : constants.signals[signal];
  if (num === undefined) throw new MonitorError('signal', 22, `unknown signal ${String(signal)}`);
  await monitorCommand(stateDir, `signal ${num}`);
}

/** Sets the window size of the container's terminal (ENOTTY without one). */
export async function resizeTerminal(stateDir: string, rows: number, cols: number): Promise<void> {
  await monitorCommand(stateDir, `resize ${Math.trunc(rows)} ${Math.trunc(cols)}`);
}

/** Makes the monitor reopen the log path (after the daemon renamed the file for rotation). */
export async function reopenLog(stateDir: string): Promise<void> {
  await monitorCommand(stateDir, 'reopen-log');
}

export interface MonitorState {
  status: 'created' | 'running' | 'exited';
  pid: number;
}

/** What the monitor says about its container; throws MonitorError (step "connect") when the monitor is gone. */
export async function monitorState(stateDir: string): Promise<MonitorState> {
  const detail = await monitorCommand(stateDir, 'state');
  const [status, pid] = detail.split(' ');
  if (status !== 'created' && status !== 'running' && status !== 'exited') throw new MonitorError('state', 71, `unexpected state "${detail}"`);
  return { status, pid: Number(pid) };
}

/** The pid the monitor of `stateDir` recorded for itself, if it got that far. */
export async function readMonitorPid(stateDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(stateDir, 'monitor.pid'), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
