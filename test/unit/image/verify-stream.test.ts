import { expect } from 'chai';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { sha256Digest } from '../../../src/image/digest.js';
import { DigestVerifier } from '../../../src/image/verify-stream.js';
import { ContentInvalidError } from '../../../src/image/errors.js';

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
const run = (chunks: string[], digest: string, size: number) => pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), new DigestVerifier(digest, size), sink());

describe('digest and size verification while streaming', () => {
  it('passes matching content', async () => {
    await run(['hello ', 'world'], sha256Digest('hello world'), 11);
  });

  it('fails on a digest mismatch at the end', async () => {
    const err = await run(['hello world'], sha256Digest('other'), 11).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ContentInvalidError);
    expect((err as Error).message).to.match(/digest mismatch/);
  });

  it('fails as soon as more bytes than declared arrive', async () => {
    const err = await run(['hello', ' world'], sha256Digest('hello world'), 5).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/larger than its declared 5 bytes/);
  });

  it('fails when the stream is short', async () => {
    const err = await run(['hello'], sha256Digest('hello'), 6).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/has 5 bytes, expected 6/);
  });

  it('counts bytes for metrics', async () => {
    let n = 0;
    await pipeline(Readable.from([Buffer.from('abc')]), new DigestVerifier(sha256Digest('abc'), 3, (b) => (n += b)), sink());
    expect(n).to.equal(3);
  });
});
