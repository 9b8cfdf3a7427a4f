// The little of HTTP/2 framing (RFC 9113 §4, §6) husk reads itself on the
// client-to-server byte stream, before or instead of nghttp2: splitting
// frames and getting at header block fragments.
import hpack from 'hpack.js';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER = 9;
export const HEADERS = 0x1;
export const SETTINGS = 0x4;
export const CONTINUATION = 0x9;
export const END_STREAM = 0x1;
export const ACK = 0x1;
export const END_HEADERS = 0x4;
export const PADDED = 0x8;
export const PRIORITY = 0x20;
/** The default SETTINGS_HEADER_TABLE_SIZE, which Node's server keeps. */
export const TABLE_SIZE = 4096;

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  /** The whole frame, header included. */
  bytes: Buffer;
  payload: Buffer;
}

/** Consumes the connection preface at the start of `buf`: the rest, or undefined while too short. Throws if it is not HTTP/2. */
export function afterPreface(buf: Buffer): Buffer | undefined {
  if (buf.length < PREFACE.length) return undefined;
  if (!buf.subarray(0, PREFACE.length).equals(PREFACE)) throw new Error('not an HTTP/2 connection preface');
  return buf.subarray(PREFACE.length);
}

/** The complete frames at the start of `buf` and the bytes after them. */
export function splitFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let rest = buf;
  while (rest.length >= FRAME_HEADER) {
    const length = rest.readUIntBE(0, 3);
    if (rest.length < FRAME_HEADER + length) break;
    const bytes = rest.subarray(0, FRAME_HEADER + length);
    rest = rest.subarray(FRAME_HEADER + length);
    frames.push({ type: bytes[3]!, flags: bytes[4]!, streamId: bytes.readUInt32BE(5) & 0x7fffffff, bytes, payload: bytes.subarray(FRAME_HEADER) });
  }
  return { frames, rest };
}

/** A HEADERS frame's payload without padding and priority fields (kept aside). */
export function headersFragment(frame: Frame): { fragment: Buffer; priority?: Buffer } {
  let payload = frame.payload;
  if (frame.flags & PADDED) {
    const padding = payload[0]!;
    payload = payload.subarray(1, payload.length - padding);
  }
  if (!(frame.flags & PRIORITY)) return { fragment: payload };
  return { fragment: payload.subarray(5), priority: payload.subarray(0, 5) };
}

export type HeaderDecoder = ReturnType<typeof hpack.decompressor.create>;

export function headerDecoder(): HeaderDecoder {
  return hpack.decompressor.create({ table: { size: TABLE_SIZE } });
}

/** Decodes one complete header block (updating the decoder's table, as the server's would be). */
export function decodeHeaderBlock(decoder: HeaderDecoder, block: Buffer): { name: string; value: string }[] {
  decoder.write(block);
  decoder.execute();
  const fields: { name: string; value: string }[] = [];
  for (let h = decoder.read(); h !== null; h = decoder.read()) fields.push({ name: h.name, value: h.value });
  return fields;
}

/** RFC 3986 authority characters; a socket path fails this on its '/'. */
const VALID_AUTHORITY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]+$/;

export function isValidAuthority(value: string): boolean {
  return VALID_AUTHORITY.test(value);
}
