// Numbered channels multiplexed on one WebSocket, as apimachinery's wsstream
// does: each message starts with its channel number (a raw byte, or an ASCII
// digit followed by base64 for the base64 protocols). On v5, a message on
// channel 255 whose second byte names a channel half-closes that channel.
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { WebSocketProtocol } from './protocols.js';

const CLOSE_SIGNAL_CHANNEL = 255;
const CHANNEL_BUFFER = 256 * 1024;
const CLOSE_GRACE_MS = 2_000;

export interface ChannelSpec {
  read: boolean;
  write: boolean;
}

/** One channel: readable side is what the client sent on it, writable side goes to the client. */
export class WsChannel extends Duplex {
  constructor(
    private readonly mux: WsChannels,
    readonly index: number,
    readonly spec: ChannelSpec,
  ) {
    super({ readableHighWaterMark: CHANNEL_BUFFER, allowHalfOpen: true });
    if (!spec.read) this.push(null);
  }

  override _read(): void {
    this.mux.resumeFor(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (!this.spec.write) return done();
    this.mux.send(this.index, chunk, done);
  }

  /** @internal */
  deliver(data: Buffer): void {
    if (this.readableEnded) return;
    if (!this.push(data)) this.mux.pauseFor(this);
  }

  /** @internal */
  endInput(): void {
    if (!this.readableEnded) this.push(null);
  }
}

export class WsChannels {
  readonly channels: WsChannel[];
  private readonly pausedBy = new Set<WsChannel>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly protocol: WebSocketProtocol,
    specs: ChannelSpec[],
  ) {
    this.channels = specs.map((spec, i) => new WsChannel(this, i, spec));
    ws.on('message', (data: Buffer) => this.onMessage(Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer)));
    ws.once('close', () => {
      for (const c of this.channels) c.endInput();
      this.pausedBy.clear();
    });
    ws.on('error', () => ws.terminate());
  }

  /** @internal */
  send(index: number, data: Buffer, done: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return done();
    const frame = this.protocol.base64
      ? String.fromCharCode(0x30 + index) + data.toString('base64')
      : Buffer.concat([Buffer.of(index), data]);
    this.ws.send(frame, { binary: !this.protocol.base64 }, () => done());
  }

  /** @internal */
  pauseFor(channel: WsChannel): void {
    this.pausedBy.add(channel);
    this.ws.pause();
  }

  /** @internal */
  resumeFor(channel: WsChannel): void {
    if (this.pausedBy.delete(channel) && this.pausedBy.size === 0) this.ws.resume();
  }

  /** Closes the WebSocket (1000) after what is queued, waiting briefly for the client's close. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.ws.readyState === this.ws.CLOSED) return resolve();
      const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
      timer.unref();
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000);
    });
    return this.closing;
  }

  private onMessage(data: Buffer): void {
    if (data.length === 0) return;
    if (this.protocol.closeSignal && data[0] === CLOSE_SIGNAL_CHANNEL) {
      if (data.length >= 2) this.channels[data[1]!]?.endInput();
      return;
    }
    let index = data[0]!;
    let payload = data.subarray(1);
    if (this.protocol.base64) {
      index -= 0x30;
      payload = Buffer.from(payload.toString('latin1'), 'base64');
    }
    const channel = this.channels[index];
    if (!channel || !channel.spec.read) return;
    channel.deliver(payload);
  }
}
