// SPDY/3 frame layout (draft 3, section 2.2): the subset Kubernetes streaming
// uses. Pure encode/decode; header blocks stay compressed here.

export const SPDY_VERSION = 3;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  Cancel: 5,
  InternalError: 6,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
} as const;

export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'settings' }
  | { type: 'other'; controlType: number };

export class SpdyProtocolError extends Error {}

const HEADER_SIZE = 8;
const STREAM_ID_MASK = 0x7fffffff;

/** Cuts a byte stream into frames; feed it chunks as they arrive. */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: SpdyFrame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_SIZE) {
      const length = this.pending.readUIntBE(offset + 5, 3);
      if (this.pending.length - offset < HEADER_SIZE + length) break;
      const head = this.pending.subarray(offset, offset + HEADER_SIZE);
      const body = this.pending.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + length);
      frames.push(decodeFrame(head, body));
      offset += HEADER_SIZE + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }
}

function need(body: Buffer, n: number, what: string): void {
  if (body.length < n) throw new SpdyProtocolError(`${what} frame too short (${body.length} bytes)`);
}

function decodeFrame(head: Buffer, body: Buffer): SpdyFrame {
  const flags = head[4]!;
  const fin = (flags & FLAG_FIN) !== 0;
  if ((head[0]! & 0x80) === 0) {
    // Copy: the parser's buffer is reused for later frames.
    return { type: 'data', streamId: head.readUInt32BE(0) & STREAM_ID_MASK, fin, data: Buffer.from(body) };
  }
  const version = head.readUInt16BE(0) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const type = head.readUInt16BE(2);
  switch (type) {
    case ControlType.SynStream:
      need(body, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        associatedId: body.readUInt32BE(4) & STREAM_ID_MASK,
        priority: body[8]! >> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: Buffer.from(body.subarray(10)),
      };
    case ControlType.SynReply:
      need(body, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, fin, headerBlock: Buffer.from(body.subarray(4)) };
    case ControlType.Headers:
      need(body, 4, 'HEADERS');
      return { type: 'headers', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, fin, headerBlock: Buffer.from(body.subarray(4)) };
    case ControlType.RstStream:
      need(body, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, status: body.readUInt32BE(4) };
    case ControlType.Ping:
      need(body, 4, 'PING');
      return { type: 'ping', id: body.readUInt32BE(0) };
    case ControlType.GoAway:
      need(body, 4, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: body.readUInt32BE(0) & STREAM_ID_MASK, status: body.length >= 8 ? body.readUInt32BE(4) : 0 };
    case ControlType.WindowUpdate:
      need(body, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, delta: body.readUInt32BE(4) & STREAM_ID_MASK };
    case ControlType.Settings:
      return { type: 'settings' };
    default:
      return { type: 'other', controlType: type };
  }
}

function controlFrame(type: ControlType, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(HEADER_SIZE);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(body.length, 5, 3);
  return Buffer.concat([head, body]);
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(HEADER_SIZE);
  head.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function encodeSynStream(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  return controlFrame(ControlType.SynStream, fin ? FLAG_FIN : 0, Buffer.concat([fixed, headerBlock]));
}

export function encodeSynReply(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  return controlFrame(ControlType.SynReply, fin ? FLAG_FIN : 0, Buffer.concat([words(streamId & STREAM_ID_MASK), headerBlock]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return controlFrame(ControlType.RstStream, 0, words(streamId & STREAM_ID_MASK, status));
}

export function encodePing(id: number): Buffer {
  return controlFrame(ControlType.Ping, 0, words(id));
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return controlFrame(ControlType.GoAway, 0, words(lastGoodStreamId & STREAM_ID_MASK, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return controlFrame(ControlType.WindowUpdate, 0, words(streamId & STREAM_ID_MASK, delta & STREAM_ID_MASK));
}
