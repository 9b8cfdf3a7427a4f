// Attach to a container through its monitor: the "attach" command, then
// frames both ways (native/monitor/PROTOCOL.md): 1 byte type, 4 bytes
// big-endian length, payload.
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { Socket } from 'node:net';
import { connectMonitor, parseReply, readLine } from './monitor-control.js';
import { parseExitRecord, type MonitorExit } from './monitor-exit.js';

export const FRAME = { stdin: 0, stdout: 1, stderr: 2, resize: 3, closeStdin: 4, exit: 5 } as const;
const HEADER = 5;
const MAX_PAYLOAD = 32 * 1024;

export function encodeFrame(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(HEADER);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** Splits a byte stream into frames; keeps partial input between calls. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { type: number; payload: Buffer }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: { type: number; payload: Buffer }[] = [];
    while (this.buf.length >= HEADER) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf.length < HEADER + len) break;
      frames.push({ type: this.buf.readUInt8(0), payload: this.buf.subarray(HEADER, HEADER + len) });
      this.buf = this.buf.subarray(HEADER + len);
    }
    return frames;
  }
}

export interface AttachSession {
  /** Written bytes go to the container's stdin; end() closes it when the container has stdinOnce. */
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  resize(rows: number, cols: number): void;
  /** The exit record when the container exits while attached; undefined when the connection ended first. */
  exited: Promise<MonitorExit | undefined>;
  /** Leaves the container running. */
  close(): void;
}

export async function attach(stateDir: string, timeoutMs = 10_000): Promise<AttachSession> {
  const sock: Socket = await connectMonitor(stateDir, timeoutMs);
  sock.write('attach\n');
  let rest: Buffer;
  try {
    const reply = await readLine(sock, timeoutMs, 'attach');
    parseReply(reply.line, 'attach');
    rest = reply.rest;
  } catch (e) {
    sock.destroy();
    throw e;
  }
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const decoder = new FrameDecoder();
  let resolveExit!: (exit: MonitorExit | undefined) => void;
  const exited = new Promise<MonitorExit | undefined>((resolve) => (resolveExit = resolve));
  const onData = (chunk: Buffer): void => {
    for (const f of decoder.push(chunk)) {
      if (f.type === FRAME.stdout) stdout.write(f.payload);
      else if (f.type === FRAME.stderr) stderr.write(f.payload);
      else if (f.type === FRAME.exit) {
        try {
          resolveExit(parseExitRecord(f.payload.toString('utf8')));
        } catch {
          resolveExit(undefined);
        }
      }
    }
  };
  sock.on('data', onData);
  const finish = (): void => {
    stdout.end();
    stderr.end();
    resolveExit(undefined);
  };
  sock.once('close', finish);
  sock.on('error', () => sock.destroy());
  if (rest.length) onData(rest);

  const stdin = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (sock.destroyed) return cb();
      let ok = true;
      for (let off = 0; off < chunk.length; off += MAX_PAYLOAD) ok = sock.write(encodeFrame(FRAME.stdin, chunk.subarray(off, off + MAX_PAYLOAD)));
      if (ok) cb();
      else sock.once('drain', () => cb());
    },
    final(cb) {
      if (!sock.destroyed) sock.write(encodeFrame(FRAME.closeStdin));
      cb();
    },
  });
  return {
    stdin,
    stdout,
    stderr,
    resize(rows, cols) {
      const p = Buffer.alloc(4);
      p.writeUInt16BE(rows, 0);
      p.writeUInt16BE(cols, 2);
      if (!sock.destroyed) sock.write(encodeFrame(FRAME.resize, p));
    },
    exited,
    close() {
      sock.end();
      sock.destroy();
    },
  };
}
