// Durable metadata: one JSON file per object, written atomically (temp file,
// fsync, rename, fsync dir), so after kill -9 at any moment every record is
// either its old or its new version. The daemon keeps the records in memory
// and this store only persists them.
import { readdir, readFile, unlink, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, syncDir } from '../common/atomic-write.js';
import { isErrno } from '../common/errors.js';
import { isFullId } from '../common/ids.js';
import { log } from '../log/logger.js';

const TOMBSTONE = '.removing';

export class RecordStore<T extends { id: string }> {
  /** Writes to one record are serialised so a slow older write never lands after a newer one. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    private readonly kind: string,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Every stored record. Unreadable files are moved aside (`*.corrupt`) and reported, never fatal. */
  async loadAll(): Promise<T[]> {
    const out: T[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json') || !isFullId(name.slice(0, -5))) continue;
      const path = join(this.dir, name);
      try {
        out.push(JSON.parse(await readFile(path, 'utf8')) as T);
      } catch (err) {
        log.error({ err, file: path, kind: this.kind }, 'moving aside an unreadable record');
        await rename(path, `${path}.corrupt`).catch(() => undefined);
      }
    }
    return out;
  }

  save(record: T): Promise<void> {
    const snapshot = JSON.stringify(record);
    return this.enqueue(record.id, () => writeFileAtomic(this.pathOf(record.id), snapshot, 0o600));
  }

  remove(id: string): Promise<void> {
    return this.enqueue(id, async () => {
      try {
        await unlink(this.pathOf(id));
        await syncDir(this.dir);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    });
  }

  /**
   * Marks a record as being torn down: it no longer loads as live, but
   * `loadTombstones` finds it until `purge`. A rename, so kill -9 at any point
   * leaves one or the other.
   */
  tombstone(id: string): Promise<void> {
    return this.enqueue(id, () => rename(this.pathOf(id), this.tombstonePath(id)));
  }

  /** Records marked by `tombstone` whose teardown has not finished. */
  async loadTombstones(): Promise<T[]> {
    const out: T[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(TOMBSTONE) || !isFullId(name.slice(0, -TOMBSTONE.length))) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as T);
      } catch (err) {
        log.error({ err, file: name, kind: this.kind }, 'dropping an unreadable tombstone');
        await unlink(join(this.dir, name)).catch(() => undefined);
      }
    }
    return out;
  }

  /** Forgets a tombstone once its teardown is done. */
  purge(id: string): Promise<void> {
    return this.enqueue(id, async () => {
      await unlink(this.tombstonePath(id)).catch((e: unknown) => {
        if (!isErrno(e, 'ENOENT')) throw e;
      });
    });
  }

  private tombstonePath(id: string): string {
    return `${this.pathOf(id).slice(0, -'.json'.length)}${TOMBSTONE}`;
  }

  private pathOf(id: string): string {
    if (!isFullId(id)) throw new Error(`refusing to store a ${this.kind} under a malformed ID "${id}"`);
    return join(this.dir, `${id}.json`);
  }

  private enqueue(id: string, write: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(write);
    this.queues.set(id, next);
    const clear = () => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    };
    next.then(clear, clear);
    return next;
  }
}
