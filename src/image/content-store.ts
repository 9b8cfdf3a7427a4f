// Blobs by digest under `<root>/content/blobs/<algorithm>/<hex>`, shared by
// every image. A blob appears only complete and verified: it is written to
// `ingest/`, checked, then renamed into place; `sync` makes it durable.
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isErrno } from '../common/errors.js';
import { syncDir } from '../common/atomic-write.js';
import { parseDigest } from './digest.js';
import { ContentInvalidError } from './errors.js';
import { SingleFlight } from './single-flight.js';
import { DigestVerifier } from './verify-stream.js';

export class ContentStore {
  private readonly inflight = new SingleFlight<string, void>();
  private ingestDirReady = false;

  /** `dir` is `<root>/content`. */
  constructor(readonly dir: string) {}

  blobPath(digest: string): string {
    const parsed = parseDigest(digest);
    if (!parsed) throw new ContentInvalidError(`"${digest}" is not a digest`);
    return join(this.dir, 'blobs', parsed.algorithm, parsed.hex);
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.blobPath(digest));
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  async read(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /**
   * Stores the blob unless present; concurrent callers for one digest share
   * one download. `open` gives the bytes (verified here unless it already is
   * a DigestVerifier for this digest).
   */
  async ensure(digest: string, size: number, open: () => Promise<Readable>): Promise<void> {
    if (await this.has(digest)) return;
    await this.inflight.run(digest, async () => {
      if (await this.has(digest)) return;
      await this.ingest(digest, size, await open());
    });
  }

  /**
   * Writes `source` as blob `digest`; on any failure nothing is left behind.
   * The source is consumed from the moment this is called (no await comes
   * first), so a caller may tee the same stream elsewhere.
   */
  ingest(digest: string, size: number, source: Readable): Promise<void> {
    const final = this.blobPath(digest);
    const verified = source instanceof DigestVerifier && source.digest === digest && source.expectedSize === size ? source : source.pipe(new DigestVerifier(digest, size));
    if (verified !== source) source.on('error', (err) => verified.destroy(err));
    const ingestDir = join(this.dir, 'ingest');
    if (!this.ingestDirReady) {
      mkdirSync(ingestDir, { recursive: true });
      this.ingestDirReady = true;
    }
    const tmp = join(ingestDir, `${parseDigest(digest)!.hex}.${randomBytes(4).toString('hex')}`);
    const written = pipeline(verified, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
    return this.commit(written, tmp, final, digest, size);
  }

  private async commit(written: Promise<void>, tmp: string, final: string, digest: string, size: number): Promise<void> {
    try {
      await written;
      const bytes = (await stat(tmp)).size;
      if (bytes !== size) throw new ContentInvalidError(`blob ${digest}: wrote ${bytes} bytes, expected ${size}`);
      const dir = join(final, '..');
      await mkdir(dir, { recursive: true });
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Makes blobs durable (file data, then their directories). Ingest does not
   * fsync each blob as it lands: on ext4 every fsync also flushes all other
   * dirty data (the layers being unpacked), so one round at the end of a pull
   * costs a fraction of one per blob. Callers sync before recording an image,
   * so no record ever names a blob that a power cut could lose; a killed
   * process loses nothing either way (the rename only follows a full write).
   */
  async sync(digests: Iterable<string>): Promise<void> {
    const dirs = new Set<string>();
    await Promise.all(
      [...new Set(digests)].map(async (digest) => {
        const path = this.blobPath(digest);
        dirs.add(join(path, '..'));
        const fh = await open(path, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }),
    );
    await Promise.all([...dirs].map((d) => syncDir(d)));
  }

  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.blobPath(digest))).size;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async remove(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  /** Every stored digest. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    const blobs = join(this.dir, 'blobs');
    for (const algorithm of await readdirOrEmpty(blobs)) {
      for (const hex of await readdirOrEmpty(join(blobs, algorithm))) {
        const digest = `${algorithm}:${hex}`;
        if (parseDigest(digest)) out.push(digest);
      }
    }
    return out;
  }

  /** Drops half-written ingests left by a crash. Call at startup, before pulls. */
  async cleanupIngest(): Promise<void> {
    await rm(join(this.dir, 'ingest'), { recursive: true, force: true });
    this.ingestDirReady = false;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}
