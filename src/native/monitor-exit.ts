// <stateDir>/exit.json, written atomically by the monitor once the container
// process has exited and been reaped.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../common/errors.js';

export const EXIT_FILE = 'exit.json';

export interface MonitorExit {
  /** The exit status, or 128+signal when a signal killed it. */
  exitCode: number;
  /** The signal that killed it, or 0. */
  signal: number;
  /** Nanoseconds since the epoch, as a decimal string. */
  finishedAtNs: string;
  /** The memory cgroup's OOM-kill counter went up while the container ran. */
  oomKilled: boolean;
}

export function parseExitRecord(text: string): MonitorExit {
  const raw = JSON.parse(text) as { exitCode?: unknown; signal?: unknown; finishedAt?: unknown; oomKilled?: unknown };
  if (typeof raw.exitCode !== 'number' || typeof raw.signal !== 'number' || typeof raw.finishedAt !== 'string' || typeof raw.oomKilled !== 'boolean') {
    throw new Error(`malformed exit record: ${text.slice(0, 200)}`);
  }
  return { exitCode: raw.exitCode, signal: raw.signal, finishedAtNs: raw.finishedAt, oomKilled: raw.oomKilled };
}

/** The exit record, or undefined while the container has not exited. */
export async function readExitFile(stateDir: string): Promise<MonitorExit | undefined> {
  try {
    return parseExitRecord(await readFile(join(stateDir, EXIT_FILE), 'utf8'));
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}
