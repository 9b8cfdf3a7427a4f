// A lock file that survives kill -9 sanely: it records the owner's PID and
// process start time, so a stale lock (owner gone, or PID reused) is taken
// over while a live owner makes the second daemon refuse to start.
import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isErrno } from '../common/errors.js';

export class LockHeldError extends Error {
  constructor(readonly path: string, readonly pid: number, what: string) {
    super(`another husk (pid ${pid}) is already using ${what} (lock ${path})`);
    this.name = 'LockHeldError';
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

/** The kernel's start time of a process (clock ticks since boot), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parens: fields resume after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export async function acquireLock(path: string, what: string): Promise<HeldLock> {
  await mkdir(dirname(path), { recursive: true });
  const me = `${process.pid} ${processStartTime(process.pid)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      await fh.writeFile(me);
      await fh.close();
      return {
        async release() {
          const now = await readFile(path, 'utf8').catch(() => '');
          if (now === me) await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
    }
    const owner = await readFile(path, 'utf8').catch(() => '');
    const [pidText, start] = owner.trim().split(' ');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && start !== undefined && processStartTime(pid) === start) {
      throw new LockHeldError(path, pid, what);
    }
    // Stale: its owner is gone. Remove it and try again; O_EXCL settles any race.
    await unlink(path).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
  throw new Error(`cannot take lock ${path}: it keeps reappearing`);
}
