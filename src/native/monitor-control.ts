// One command on a monitor's control socket (<stateDir>/monitor.sock): a
// line out, a line back ("ok [detail]" or "error <errno> <message>").
import { connect, type Socket } from 'node:net';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MonitorError } from './monitor-errors.js';

export const MONITOR_SOCKET = 'monitor.sock';

/** sun_path holds 107 bytes; longer state dirs are reached through a directory fd. */
const MAX_SOCKET_PATH = 107;

/** A connected socket to the monitor; rejects with a MonitorError (step "connect") when it is not there. */
export async function connectMonitor(stateDir: string, timeoutMs: number): Promise<Socket> {
  const direct = join(stateDir, MONITOR_SOCKET);
  const dir = Buffer.byteLength(direct) > MAX_SOCKET_PATH ? await open(stateDir, 'r') : undefined;
  const path = dir ? `/proc/self/fd/${dir.fd}/${MONITOR_SOCKET}` : direct;
  try {
    return await new Promise<Socket>((resolve, reject) => {
      const sock = connect(path);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new MonitorError('connect', 110, `no answer from the monitor at ${direct}`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        resolve(sock);
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new MonitorError('connect', typeof e.errno === 'number' ? Math.abs(e.errno) : 0, `monitor socket ${direct}: ${e.code ?? e.message}`));
      });
    });
  } finally {
    await dir?.close();
  }
}

/** Reads one '\n'-terminated line; any bytes after it are handed back. */
export function readLine(sock: Socket, timeoutMs: number, what: string): Promise<{ line: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err?: Error, value?: { line: string; rest: Buffer }): void => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', onError);
      if (err) reject(err);
      else resolve(value!);
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(0x0a);
      if (nl >= 0) done(undefined, { line: buf.subarray(0, nl).toString('utf8'), rest: buf.subarray(nl + 1) });
    };
    const onEnd = (): void => done(new MonitorError(what, 104, 'the monitor closed the connection without a reply'));
    const onError = (e: NodeJS.ErrnoException): void => done(new MonitorError(what, typeof e.errno === 'number' ? Math.abs(e.errno) : 0, e.message));
    const timer = setTimeout(() => done(new MonitorError(what, 110, `no reply to "${what}" within ${timeoutMs} ms`)), timeoutMs);
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('error', onError);
  });
}

/** Parses a reply line; returns the detail after "ok", throws the error. */
export function parseReply(line: string, command: string): string {
  if (line === 'ok' || line.startsWith('ok ')) return line.slice(3);
  const m = /^error (\d+) ?(.*)$/.exec(line);
  if (m) throw new MonitorError(command, Number(m[1]), m[2] ?? '');
  throw new MonitorError(command, 71, `unexpected reply "${line}"`);
}

/** Sends `line` and returns the ok detail; throws MonitorError (step = the command's first word). */
export async function monitorCommand(stateDir: string, line: string, timeoutMs = 10_000): Promise<string> {
  const command = line.split(' ')[0] ?? line;
  const sock = await connectMonitor(stateDir, timeoutMs);
  try {
    sock.write(`${line}\n`);
    const { line: reply } = await readLine(sock, timeoutMs, command);
    return parseReply(reply, command);
  } finally {
    sock.destroy();
  }
}
