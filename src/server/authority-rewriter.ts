// grpc-go clients before v1.52 (crictl up to v1.26, older kubelets) send the
// unix socket path as the HTTP/2 `:authority`. Node's HTTP/2 (nghttp2) rejects
// such a request with PROTOCOL_ERROR before grpc-js sees it, and offers no
// switch to relax that check. This parser sits on the client-to-server byte
// stream of each connection: it decodes every header block and re-encodes it
// with an invalid `:authority` replaced by "localhost". All other frames pass
// through untouched.
import hpack from 'hpack.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const FRAME_HEADER = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** The smallest SETTINGS_MAX_FRAME_SIZE a peer may use; nghttp2's default. */
const MAX_FRAME = 16384;
/** The default SETTINGS_HEADER_TABLE_SIZE, which Node's server keeps. */
const TABLE_SIZE = 4096;

/** RFC 3986 authority characters; a socket path fails this on its '/'. */
const VALID_AUTHORITY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]+$/;

export class AuthorityRewriter {
  private pending: Buffer = Buffer.alloc(0);
  private sawPreface = false;
  private readonly decoder = hpack.decompressor.create({ table: { size: TABLE_SIZE } });
  /** A header block spread over HEADERS + CONTINUATION frames, until END_HEADERS. */
  private block?: { streamId: number; flags: number; priority?: Buffer; fragments: Buffer[] };

  /** Feeds bytes from the client; returns the bytes to hand to the server. Throws on a malformed stream. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    if (!this.sawPreface) {
      if (this.pending.length < PREFACE.length) return out;
      if (!this.pending.subarray(0, PREFACE.length).equals(PREFACE)) throw new Error('not an HTTP/2 connection preface');
      out.push(this.pending.subarray(0, PREFACE.length));
      this.pending = this.pending.subarray(PREFACE.length);
      this.sawPreface = true;
    }
    while (this.pending.length >= FRAME_HEADER) {
      const length = this.pending.readUIntBE(0, 3);
      if (this.pending.length < FRAME_HEADER + length) break;
      const frame = this.pending.subarray(0, FRAME_HEADER + length);
      this.pending = this.pending.subarray(FRAME_HEADER + length);
      const type = frame[3]!;
      if (type === HEADERS || type === CONTINUATION) out.push(...this.headerFrame(frame, type));
      else out.push(frame);
    }
    return out;
  }

  private headerFrame(frame: Buffer, type: number): Buffer[] {
    const flags = frame[4]!;
    const streamId = frame.readUInt32BE(5) & 0x7fffffff;
    let payload = frame.subarray(FRAME_HEADER);
    if (type === HEADERS) {
      if (this.block) throw new Error('HEADERS frame inside an unfinished header block');
      if (flags & PADDED) {
        const padding = payload[0]!;
        payload = payload.subarray(1, payload.length - padding);
      }
      let priority: Buffer | undefined;
      if (flags & PRIORITY) {
        priority = payload.subarray(0, 5);
        payload = payload.subarray(5);
      }
      this.block = { streamId, flags, priority, fragments: [] };
    } else if (!this.block || this.block.streamId !== streamId) {
      throw new Error('CONTINUATION frame without a header block');
    }
    this.block.fragments.push(payload);
    if (!(flags & END_HEADERS)) return [];
    const block = this.block;
    this.block = undefined;
    return encodeHeaderFrames(block.streamId, block.flags & END_STREAM, block.priority, this.rewrite(Buffer.concat(block.fragments)));
  }

  private rewrite(block: Buffer): Buffer {
    this.decoder.write(block);
    this.decoder.execute();
    const fields: Buffer[] = [];
    for (let h = this.decoder.read(); h !== null; h = this.decoder.read()) {
      const value = h.name === ':authority' && !VALID_AUTHORITY.test(h.value) ? 'localhost' : h.value;
      fields.push(literalField(h.name, value));
    }
    return Buffer.concat(fields);
  }
}

/** A header field as "literal without indexing, new name" with raw strings (RFC 7541 §6.2.2). */
function literalField(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.of(0x00), hpackString(name), hpackString(value)]);
}

function hpackString(s: string): Buffer {
  const bytes = Buffer.from(s, 'latin1');
  return Buffer.concat([hpackInteger(bytes.length, 7, 0x00), bytes]);
}

/** RFC 7541 §5.1 integer with an N-bit prefix. */
export function hpackInteger(n: number, prefixBits: number, firstByteFlags: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (n < max) return Buffer.of(firstByteFlags | n);
  const bytes = [firstByteFlags | max];
  n -= max;
  while (n >= 128) {
    bytes.push((n % 128) + 128);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function encodeHeaderFrames(streamId: number, endStream: number, priority: Buffer | undefined, block: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let offset = 0;
  let first = true;
  do {
    const room = MAX_FRAME - (first && priority ? priority.length : 0);
    const fragment = block.subarray(offset, offset + room);
    offset += fragment.length;
    const last = offset >= block.length;
    const flags = (first ? endStream | (priority ? PRIORITY : 0) : 0) | (last ? END_HEADERS : 0);
    const body = first && priority ? Buffer.concat([priority, fragment]) : fragment;
    const header = Buffer.alloc(FRAME_HEADER);
    header.writeUIntBE(body.length, 0, 3);
    header[3] = first ? HEADERS : CONTINUATION;
    header[4] = flags;
    header.writeUInt32BE(streamId, 5);
    frames.push(header, body);
    first = false;
  } while (offset < block.length);
  return frames;
}
