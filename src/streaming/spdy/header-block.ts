// SPDY/3 name/value header blocks (draft 3, section 2.6.10): 32-bit counts and
// lengths, lower-case names, several values of one name joined by NUL. Each
// direction of a connection compresses its blocks with one zlib stream that
// starts from the SPDY/3 dictionary and is sync-flushed after every block.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

/** Header name (lower case) to its values. */
export type SpdyHeaders = Map<string, string[]>;

export function encodeHeaderBlock(headers: Record<string, string | string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(Array.isArray(value) ? value.join('\0') : value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = new Map();
  let offset = 0;
  const take = (): Buffer => {
    if (offset + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const len = block.readUInt32BE(offset);
    offset += 4;
    if (offset + len > block.length) throw new SpdyProtocolError('truncated header block');
    const bytes = block.subarray(offset, offset + len);
    offset += len;
    return bytes;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8').toLowerCase();
    const values = take().toString('utf8').split('\0');
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** One direction's zlib stream; calls must not overlap (the connection serialises them). */
class ZlibDirection {
  private readonly chunks: Buffer[] = [];
  private failure: Error | undefined;

  constructor(private readonly stream: zlib.Deflate | zlib.Inflate) {
    stream.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    stream.on('error', (err: Error) => {
      this.failure = err;
    });
  }

  run(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.stream.write(input);
      this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(new SpdyProtocolError(`header compression: ${this.failure.message}`));
        resolve(Buffer.concat(this.chunks.splice(0)));
      });
    });
  }

  close(): void {
    this.stream.destroy();
  }
}

export class HeaderCompression {
  private readonly deflater = new ZlibDirection(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }));
  private readonly inflater = new ZlibDirection(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));

  compress(headers: Record<string, string | string[]>): Promise<Buffer> {
    return this.deflater.run(encodeHeaderBlock(headers));
  }

  async decompress(block: Buffer): Promise<SpdyHeaders> {
    if (block.length === 0) return new Map();
    return decodeHeaderBlock(await this.inflater.run(block));
  }

  close(): void {
    this.deflater.close();
    this.inflater.close();
  }
}
