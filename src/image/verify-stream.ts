// A pass-through that hashes and counts what flows, failing as soon as the
// size is exceeded and at the end when digest or size differ: nothing
// unverified reaches the content store or counts as a finished layer.
import { Transform, type TransformCallback } from 'node:stream';
import type { Hash } from 'node:crypto';
import { hasherFor } from './digest.js';
import { ContentInvalidError } from './errors.js';

export class DigestVerifier extends Transform {
  readonly digest: string;
  readonly expectedSize: number;
  private readonly hash: Hash;
  private received = 0;

  private readonly onBytes?: (n: number) => void;

  constructor(digest: string, expectedSize: number, onBytes?: (n: number) => void) {
    super();
    this.onBytes = onBytes;
    this.digest = digest;
    this.expectedSize = expectedSize;
    this.hash = hasherFor(digest);
  }

  get bytes(): number {
    return this.received;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    this.onBytes?.(chunk.length);
    if (this.received > this.expectedSize) {
      done(new ContentInvalidError(`blob ${this.digest} is larger than its declared ${this.expectedSize} bytes`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.received !== this.expectedSize) {
      done(new ContentInvalidError(`blob ${this.digest} has ${this.received} bytes, expected ${this.expectedSize}`));
      return;
    }
    const actual = `${this.digest.slice(0, this.digest.indexOf(':'))}:${this.hash.digest('hex')}`;
    if (actual !== this.digest) {
      done(new ContentInvalidError(`blob digest mismatch: expected ${this.digest}, got ${actual}`));
      return;
    }
    done();
  }
}
