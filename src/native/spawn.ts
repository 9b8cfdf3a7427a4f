// Child processes without fork(): the addon starts them with posix_spawn
// (CLONE_VM|CLONE_VFORK), which does not copy the daemon's page tables, so a
// spawn costs the main thread little however large the heap is. The child is
// watched and reaped through its pidfd; libuv reaps only the pids of its own
// process handles, so it never takes these exits.
import { Socket } from 'node:net';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { addon } from './addon.js';
import { isNativeError } from './errors.js';
import { closePidfd, pidfdSendSignal, waitForPidfdExit } from './pidfd.js';

/**
 * One child fd. 'pipe': a new channel whose other end the daemon keeps (fd 0:
 * the daemon writes; 1 and 2: the daemon reads; 3 and up: a socketpair both
 * read and write). 'ignore': /dev/null. 'inherit': the daemon's own fd of the
 * same number. A number: that fd of the daemon.
 */
export type StdioSlot = 'pipe' | 'ignore' | 'inherit' | number;

export interface SpawnOptions {
  /** The child's whole environment; default the daemon's. */
  env?: Record<string, string | undefined>;
  /** One slot per child fd, from 0; missing ones among 0-2 are 'ignore'. The child gets no other fd. */
  stdio?: readonly StdioSlot[];
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedChild {
  pid: number;
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  /** The daemon's end of each 'pipe' slot, by child fd; null for the others. */
  stdio: readonly (Socket | null)[];
  /** Settles once the child has exited and been reaped (child_process's 'exit'); its pipes may still hold output. */
  reaped: Promise<ChildExit>;
  /**
   * Settles once the child has been reaped and every 'pipe' slot from 1 up
   * has closed (child_process's 'close'). Nothing drains those pipes for
   * you: read each one to its end, or destroy it.
   */
  exited: Promise<ChildExit>;
  /** Signals the child; false once it is gone. */
  kill(signal?: NodeJS.Signals | number): boolean;
}

/**
 * Starts file (looked up on the daemon's PATH when it has no '/') with args,
 * from a pool thread; rejects with a NativeError naming file when exec
 * fails. Fds given in stdio must stay open until this settles.
 */
export async function spawnChild(file: string, args: readonly string[], options: SpawnOptions = {}): Promise<SpawnedChild> {
  const slots = (options.stdio ?? []).map((slot, fd) => (slot === 'inherit' ? fd : slot));
  while (slots.length < 3) slots.push('ignore');
  const raw = await addon().spawnProcess(file, [...args], envList(options.env ?? process.env), slots);

  const stdio = raw.fds.map((fd, slot) => (fd === null ? null : new Socket({ fd, readable: slot !== 0, writable: slot === 0 || slot >= 3 })));
  let pidfd: number | undefined = raw.pidfd;
  const reaped = (async (): Promise<ChildExit> => {
    try {
      await waitForPidfdExit(raw.pidfd);
      const status = addon().reapPidfd(raw.pidfd);
      if (status === null) throw new Error(`process ${raw.pid} (${file}) reported exit but could not be reaped`);
      return status.signal === 0 ? { code: status.code, signal: null } : { code: null, signal: signalName(status.signal) };
    } finally {
      pidfd = undefined; // before closing: the fd number may be reused at once
      closePidfd(raw.pidfd);
      stdio[0]?.destroy(); // nobody reads it any more (child_process does the same)
    }
  })();
  const exited = Promise.all([reaped, ...stdio.slice(1).map((s) => (s ? closed(s) : undefined))]).then(([status]) => status);
  // Callers that never await these must not crash the daemon.
  reaped.catch(() => undefined);
  exited.catch(() => undefined);

  return {
    pid: raw.pid,
    reaped,
    stdin: stdio[0],
    stdout: stdio[1],
    stderr: stdio[2],
    stdio,
    exited,
    kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
      if (pidfd === undefined) return false;
      try {
        pidfdSendSignal(pidfd, signal);
        return true;
      } catch (e) {
        if (isNativeError(e, 'ESRCH')) return false;
        throw e;
      }
    },
  };
}

function envList(env: Record<string, string | undefined>): string[] {
  return Object.entries(env).flatMap(([key, value]) => (value === undefined ? [] : [`${key}=${value}`]));
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

function signalName(number: number): NodeJS.Signals {
  const entry = Object.entries(constants.signals).find(([, n]) => n === number);
  return (entry ? entry[0] : `SIG${number}`) as NodeJS.Signals; // real-time signals have no name
}
