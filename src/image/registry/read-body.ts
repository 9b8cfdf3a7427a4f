// Reads a (small) response body into memory with a size cap, so a hostile
// server cannot make us buffer gigabytes of "manifest".
import type { Readable } from 'node:stream';
import { ContentInvalidError } from '../errors.js';

export async function readBody(stream: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      stream.destroy();
      throw new ContentInvalidError(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Consumes and discards a body so its keep-alive socket can be reused. */
export function discard(stream: Readable): void {
  stream.resume();
  stream.on('error', () => {});
}
