import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ContentStore } from '../../../src/image/content-store.js';
import { sha256Digest } from '../../../src/image/digest.js';

describe('content store', () => {
  let dir: string;
  let store: ContentStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'husk-image-cs-'));
    store = new ContentStore(join(dir, 'content'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores a verified blob at blobs/sha256/<hex>', async () => {
    const digest = sha256Digest('data');
    await store.ingest(digest, 4, Readable.from([Buffer.from('data')]));
    expect(await store.has(digest)).to.equal(true);
    expect(store.blobPath(digest)).to.equal(join(dir, 'content', 'blobs', 'sha256', digest.slice(7)));
    expect(await readFile(store.blobPath(digest), 'utf8')).to.equal('data');
    expect(await store.list()).to.deep.equal([digest]);
  });

  it('leaves nothing behind when the content does not match', async () => {
    const digest = sha256Digest('data');
    const err = await store.ingest(digest, 4, Readable.from([Buffer.from('evil')])).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/digest mismatch/);
    expect(await store.has(digest)).to.equal(false);
    expect(await readdir(join(dir, 'content', 'ingest'))).to.deep.equal([]);
  });

  it('runs one download for concurrent requests of the same blob', async () => {
    const digest = sha256Digest('shared');
    let opened = 0;
    const open = async () => {
      opened++;
      return Readable.from([Buffer.from('shared')]);
    };
    await Promise.all([store.ensure(digest, 6, open), store.ensure(digest, 6, open), store.ensure(digest, 6, open)]);
    await store.ensure(digest, 6, open);
    expect(opened).to.equal(1);
  });

  it('removes blobs', async () => {
    const digest = sha256Digest('x');
    await store.ingest(digest, 1, Readable.from([Buffer.from('x')]));
    await store.remove(digest);
    expect(await store.has(digest)).to.equal(false);
    await store.remove(digest);
  });
});
