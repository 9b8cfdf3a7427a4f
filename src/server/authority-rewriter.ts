// grpc-go clients before v1.52 (crictl up to v1.26, older kubelets) send the
// unix socket path as the HTTP/2 `:authority`. Node's HTTP/2 (nghttp2) rejects
// such a request with PROTOCOL_ERROR before grpc-js sees it, and offers no
// switch to relax that check. For the connections of such clients
// (first-request-sniffer.ts picks them out) this parser sits on the
// client-to-server byte stream: it decodes every header block and re-encodes
// it with an invalid `:authority` replaced by "localhost". All other frames
// pass through untouched.
import {
  afterPreface,
  splitFrames,
  headersFragment,
  headerDecoder,
  decodeHeaderBlock,
  isValidAuthority,
  FRAME_HEADER,
  HEADERS,
  CONTINUATION,
  END_STREAM,
  END_HEADERS,
  PRIORITY,
  SETTINGS,
  ACK,
  type Frame,
} from './http2-frames.js';

/** The smallest SETTINGS_MAX_FRAME_SIZE a peer may use; nghttp2's default. */
const MAX_FRAME = 16384;

export class AuthorityRewriter {
  private pending: Buffer = Buffer.alloc(0);
  private sawPreface = false;
  private readonly decoder = headerDecoder();
  /** A header block spread over HEADERS + CONTINUATION frames, until END_HEADERS. */
  private block?: { streamId: number; flags: number; priority?: Buffer; fragments: Buffer[] };

  /** `dropSettingsAck`: the client still owes an ACK for a SETTINGS frame the server side never sent (first-request-sniffer.ts). */
  constructor(private dropSettingsAck = false) {}

  /** Feeds bytes from the client; returns the bytes to hand to the server. Throws on a malformed stream. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    if (!this.sawPreface) {
      const rest = afterPreface(this.pending);
      if (!rest) return out;
      out.push(this.pending.subarray(0, this.pending.length - rest.length));
      this.pending = rest;
      this.sawPreface = true;
    }
    const { frames, rest } = splitFrames(this.pending);
    this.pending = rest;
    for (const frame of frames) {
      if (this.dropSettingsAck && frame.type === SETTINGS && frame.flags & ACK) {
        this.dropSettingsAck = false;
        continue;
      }
      if (frame.type === HEADERS || frame.type === CONTINUATION) out.push(...this.headerFrame(frame));
      else out.push(frame.bytes);
    }
    return out;
  }

  private headerFrame(frame: Frame): Buffer[] {
    if (frame.type === HEADERS) {
      if (this.block) throw new Error('HEADERS frame inside an unfinished header block');
      const { fragment, priority } = headersFragment(frame);
      this.block = { streamId: frame.streamId, flags: frame.flags, priority, fragments: [fragment] };
    } else if (!this.block || this.block.streamId !== frame.streamId) {
      throw new Error('CONTINUATION frame without a header block');
    } else {
      this.block.fragments.push(frame.payload);
    }
    if (!(frame.flags & END_HEADERS)) return [];
    const block = this.block;
    this.block = undefined;
    return encodeHeaderFrames(block.streamId, block.flags & END_STREAM, block.priority, this.rewrite(Buffer.concat(block.fragments)));
  }

  private rewrite(block: Buffer): Buffer {
    const fields = decodeHeaderBlock(this.decoder, block).map(({ name, value }) =>
      literalField(name, name === ':authority' && !isValidAuthority(value) ? 'localhost' : value),
    );
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
