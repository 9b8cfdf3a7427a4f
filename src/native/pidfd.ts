// pidfds: signal and watch processes (monitors) the daemon did not start
// as children, without PID-reuse races. Waiting does not reap.
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { addon } from './addon.js';
import { isNativeError } from './errors.js';

/** A close-on-exec pidfd for pid; close it with closePidfd. */
export function pidfdOpen(pid: number): number {
  return addon().pidfdOpen(pid);
}

export function closePidfd(fd: number): void {
  closeSync(fd);
}

export function pidfdSendSignal(fd: number, signal: NodeJS.Signals | number): void {
  const number = typeof signal === 'number' ? signal : constants.signals[signal];
  if (number === undefined) throw new TypeError(`unknown signal ${String(signal)}`);
  addon().pidfdSendSignal(fd, number);
}

/** True once the process has exited (its pidfd is readable); never blocks. */
export function pidfdHasExited(fd: number): boolean {
  return addon().pidfdExited(fd);
}

export interface WaitOptions {
  /** Aborting stops the wait and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Resolves when the process behind fd exits. One addon thread watches every
 * pending pidfd (epoll), so waits cost no libuv pool thread. A pending wait
 * keeps the event loop alive, like a child process does.
 */
export async function waitForPidfdExit(fd: number, options: WaitOptions = {}): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  const { id, promise } = addon().pidfdWatch(fd);
  const onAbort = (): void => addon().pidfdUnwatch(id);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exited = await promise;
    if (!exited) signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Resolves once process `pid` is gone (also when it already was). */
export async function waitForProcessExit(pid: number, options: WaitOptions = {}): Promise<void> {
  let fd: number;
  try {
    fd = pidfdOpen(pid);
  } catch (e) {
    if (isNativeError(e, 'ESRCH')) return;
    throw e;
  }
  try {
    await waitForPidfdExit(fd, options);
  } finally {
    closePidfd(fd);
  }
}
