// The server end of a SPDY/3.1 session as Kubernetes streaming uses it: the
// client opens every stream (SYN_STREAM with plain headers such as
// `streamtype`), the server replies and then both sides exchange DATA, each
// half-closing with FIN.
//
// Like Go's spdystream (what kubelet and crictl run), this side enforces no
// flow-control window on what it sends: spdystream never sends WINDOW_UPDATE,
// so a window-respecting sender would stall after 64 KiB. We do send
// WINDOW_UPDATE for what we consume, which spdystream ignores and strict
// peers need.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import {
  FrameParser,
  GoAwayStatus,
  RstStatus,
  SpdyProtocolError,
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeWindowUpdate,
  type SpdyFrame,
} from './frames.js';
import { HeaderCompression, type SpdyHeaders } from './header-block.js';

const MAX_DATA_CHUNK = 32 * 1024;
const STREAM_BUFFER = 256 * 1024;
const CLOSE_GRACE_MS = 5_000;

export class SpdyStream extends Duplex {
  /** Set once the peer reset the stream or the session died; writes are dropped from then on. */
  private dead = false;
  /** The peer opened the stream unidirectional: nothing may be sent on it. */
  private receiveOnly = false;
  private consumed = 0;

  constructor(
    private readonly session: SpdyServerConnection,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ readableHighWaterMark: STREAM_BUFFER, writableHighWaterMark: STREAM_BUFFER, allowHalfOpen: true });
  }

  /** First value of a header, like Go's http.Header.Get. */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** Aborts the stream both ways (RST_STREAM CANCEL). */
  reset(): void {
    if (this.dead) return;
    this.markDead();
    this.session.sendReset(this.id, RstStatus.Cancel);
  }

  override _read(): void {
    this.session.resumeFor(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.dead || this.receiveOnly) return done();
    this.session.sendData(this.id, chunk, false).then(() => done(), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    if (this.dead || this.receiveOnly) return done();
    this.session.sendData(this.id, Buffer.alloc(0), true).then(() => done(), done);
  }

  /** @internal the peer sent data or FIN on this stream. */
  deliver(data: Buffer, fin: boolean): void {
    if (this.readableEnded || this.dead) return;
    if (data.length > 0) {
      this.consumed += data.length;
      if (!this.push(data)) this.session.pauseFor(this);
      // Return window as we take data in, in half-window steps.
      if (this.consumed >= 32 * 1024) {
        this.session.sendWindowUpdate(this.id, this.consumed);
        this.consumed = 0;
      }
    }
    if (fin) this.push(null);
  }

  /** @internal */
  makeReceiveOnly(): void {
    this.receiveOnly = true;
    this.end();
  }

  /** @internal the peer reset the stream, or the session ended. */
  markDead(): void {
    this.dead = true;
    if (!this.readableEnded) this.push(null);
    this.session.resumeFor(this);
  }
}

export interface SpdyServerOptions {
  /**
   * Decides on each new stream from its headers: undefined accepts it (the
   * server replies), a reason refuses it (the server resets it). Must not
   * write to the stream.
   */
  accept?(stream: SpdyStream): string | undefined;
  /** Receives each accepted stream, after its reply is queued. */
  onStream(stream: SpdyStream): void;
}

/** Emits 'close' once the socket is gone. */
export class SpdyServerConnection extends EventEmitter {
  private readonly parser = new FrameParser();
  private readonly compression = new HeaderCompression();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pausedBy = new Set<SpdyStream>();
  private inbox: Promise<void> = Promise.resolve();
  private outbox: Promise<void> = Promise.resolve();
  private lastClientStreamId = 0;
  private goingAway = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: SpdyServerOptions,
    head?: Buffer,
  ) {
    super();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onSocketClose());
    if (head && head.length > 0) this.onBytes(head);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Ends the session: sends GOAWAY after everything queued, then leaves the
   * client a moment to read it all and hang up (client-go closes the
   * connection once its streams are done) before closing the socket.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.goingAway) {
      this.goingAway = true;
      await this.enqueue(() => encodeGoAway(this.lastClientStreamId, GoAwayStatus.Ok)).catch(() => undefined);
    }
    await this.outbox;
    if (this.closed) return;
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    await new Promise<void>((resolve) => (this.closed ? resolve() : this.once('close', resolve)));
    clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** @internal */
  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void> {
    if (data.length <= MAX_DATA_CHUNK) return this.enqueue(() => encodeData(streamId, data, fin));
    let last: Promise<void> = Promise.resolve();
    for (let off = 0; off < data.length; off += MAX_DATA_CHUNK) {
      const piece = data.subarray(off, off + MAX_DATA_CHUNK);
      last = this.enqueue(() => encodeData(streamId, piece, fin && off + MAX_DATA_CHUNK >= data.length));
    }
    return last;
  }

  /** @internal */
  sendReset(streamId: number, status: number): void {
    this.streams.delete(streamId);
    void this.enqueue(() => encodeRstStream(streamId, status)).catch(() => undefined);
  }

  /** @internal */
  sendWindowUpdate(streamId: number, delta: number): void {
    void this.enqueue(() => encodeWindowUpdate(streamId, delta)).catch(() => undefined);
    void this.enqueue(() => encodeWindowUpdate(0, delta)).catch(() => undefined);
  }

  /** @internal a stream's reader is full: stop reading the socket until it drains. */
  pauseFor(stream: SpdyStream): void {
    this.pausedBy.add(stream);
    this.socket.pause();
  }

  /** @internal */
  resumeFor(stream: SpdyStream): void {
    if (this.pausedBy.delete(stream) && this.pausedBy.size === 0 && !this.closed) this.socket.resume();
  }

  /** Frames go out strictly in order; header frames wait for their compression. */
  private enqueue(make: () => Buffer | Promise<Buffer>): Promise<void> {
    const next = this.outbox.then(async () => {
      if (this.closed) return;
      const frame = await make();
      if (this.closed) return;
      if (!this.socket.write(frame)) await this.drained();
    });
    this.outbox = next.catch(() => undefined);
    return next;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.on('close', done);
    });
  }

  private onBytes(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) {
      this.inbox = this.inbox.then(() => this.onFrame(frame)).catch((err: unknown) => this.fail(err));
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    const status = err instanceof SpdyProtocolError ? GoAwayStatus.ProtocolError : GoAwayStatus.InternalError;
    this.goingAway = true;
    void this.enqueue(() => encodeGoAway(this.lastClientStreamId, status))
      .catch(() => undefined)
      .then(() => this.socket.destroy());
  }

  private async onFrame(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    switch (frame.type) {
      case 'syn_stream':
        return this.onSynStream(frame);
      case 'headers':
      case 'syn_reply': {
        // Decompress anyway: the zlib stream must see every block.
        await this.compression.decompress(frame.headerBlock);
        if (frame.fin) this.streams.get(frame.streamId)?.deliver(Buffer.alloc(0), true);
        return;
      }
      case 'data':
        this.streams.get(frame.streamId)?.deliver(frame.data, frame.fin);
        return;
      case 'rst_stream': {
        const stream = this.streams.get(frame.streamId);
        this.streams.delete(frame.streamId);
        stream?.markDead();
        return;
      }
      case 'ping':
        // Odd ids are the client's; even ones would be answers to ours.
        if (frame.id % 2 === 1) await this.enqueue(() => encodePing(frame.id));
        return;
      case 'goaway':
        this.goingAway = true;
        return;
      default:
        return;
    }
  }

  private async onSynStream(frame: Extract<SpdyFrame, { type: 'syn_stream' }>): Promise<void> {
    const headers = await this.compression.decompress(frame.headerBlock);
    const id = frame.streamId;
    if (id % 2 === 0 || id <= this.lastClientStreamId) {
      this.sendReset(id, RstStatus.ProtocolError);
      return;
    }
    this.lastClientStreamId = id;
    if (this.goingAway) {
      this.sendReset(id, RstStatus.RefusedStream);
      return;
    }
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    if (frame.fin) stream.deliver(Buffer.alloc(0), true);
    if (frame.unidirectional) stream.makeReceiveOnly();
    const refusal = this.options.accept?.(stream);
    if (refusal !== undefined) {
      stream.markDead();
      this.sendReset(id, RstStatus.Cancel);
      return;
    }
    // SPDY/3 wants :status and :version in a reply; spdystream ignores reply headers.
    void this.enqueue(async () => encodeSynReply(id, await this.compression.compress({ ':status': '200', ':version': 'HTTP/1.1' }))).catch(() => undefined);
    this.options.onStream(stream);
  }

  private onSocketClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.markDead();
    this.streams.clear();
    this.pausedBy.clear();
    this.compression.close();
    this.emit('close');
  }
}
