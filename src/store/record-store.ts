// Durable metadata: one JSON file per object, written atomically (temp file,
// rename), so after kill -9 at any moment every record is either its old or
// its new version; BackgroundSync then makes it survive power loss too. The
// daemon keeps the records in memory and this store only persists them.
import { renameSync } from 'node:fs';
import { readdir, readFile, unlink, mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BackgroundSync } from './background-sync.js';
import { isErrno } from '../common/errors.js';
import { isFullId } from '../common/ids.js';
import { log } from '../log/logger.js';

const LIVE = '.json';
const TOMBSTONE = '.removing';

export class RecordStore<T extends { id: string }> {
  /** Writes to one record are serialised so a slow older write never lands after a newer one. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly disk: BackgroundSync;

  constructor(
    readonly dir: string,
    private readonly kind: string,
  ) {
    this.disk = new BackgroundSync(dir);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Every stored record, and the tombstones of those whose teardown has not
   * finished, in one pass over the directory. An unreadable record is moved
   * aside (`*.corrupt`), an unreadable tombstone dropped; both are reported,
   * never fatal.
   */
  async load(): Promise<{ live: T[]; tombstones: T[] }> {
    const out = { live: [] as T[], tombstones: [] as T[] };
    for (const name of await readdir(this.dir)) {
      const suffix = name.endsWith(LIVE) ? LIVE : name.endsWith(TOMBSTONE) ? TOMBSTONE : undefined;
      if (!suffix || !isFullId(name.slice(0, -suffix.length))) continue;
      const path = join(this.dir, name);
      try {
        (suffix === LIVE ? out.live : out.tombstones).push(JSON.parse(await readFile(path, 'utf8')) as T);
      } catch (err) {
        log.error({ err, file: path, kind: this.kind }, suffix === LIVE ? 'moving aside an unreadable record' : 'dropping an unreadable tombstone');
        await (suffix === LIVE ? rename(path, `${path}.corrupt`) : unlink(path)).catch(() => undefined);
      }
    }
    return out;
  }

  save(record: T): Promise<void> {
    const snapshot = JSON.stringify(record);
    return this.enqueue(record.id, () => this.disk.write(basename(this.pathOf(record.id)), snapshot, 0o600));
  }

  remove(id: string): Promise<void> {
    return this.enqueue(id, async () => {
      try {
        await unlink(this.pathOf(id));
        this.disk.add();
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    });
  }

  /**
   * Marks a record as being torn down: it no longer loads as live, but
   * `load` returns it as a tombstone until `purge`. A rename, so kill -9 at any point
   * leaves one or the other.
   */
  tombstone(id: string): Promise<void> {
    return this.enqueue(id, async () => {
      // One metadata syscall: cheaper in place than a trip to a pool thread and back.
      renameSync(this.pathOf(id), this.tombstonePath(id));
      this.disk.add();
    });
  }

  /** Forgets a tombstone once its teardown is done. */
  purge(id: string): Promise<void> {
    return this.enqueue(id, async () => {
      await unlink(this.tombstonePath(id)).catch((e: unknown) => {
        if (!isErrno(e, 'ENOENT')) throw e;
      });
      this.disk.add();
    });
  }

  /** Resolves once every change so far is on disk, not only in the page cache. */
  synced(): Promise<void> {
    return this.disk.settled();
  }

  private tombstonePath(id: string): string {
    return `${this.pathOf(id).slice(0, -LIVE.length)}${TOMBSTONE}`;
  }

  private pathOf(id: string): string {
    if (!isFullId(id)) throw new Error(`refusing to store a ${this.kind} under a malformed ID "${id}"`);
    return join(this.dir, `${id}${LIVE}`);
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
