// Group commit for one directory. Records are written on the request path
// atomically (temp file + rename), which is all a crash of the daemon needs;
// making them survive a power loss too (fdatasync, fsync of the directory)
// happens here, just after, in one pool-thread call for everything written
// meanwhile. A power loss in that window costs at most the newest change of
// a record: the node reboots with every container gone anyway, and a record
// torn by it is moved aside at the next start (RecordStore.load).
import { join } from 'node:path';
import { syncFiles } from '../native/index.js';
import { writeFileAtomic } from '../common/atomic-write.js';
import { log } from '../log/logger.js';
import { afterReply } from '../common/after-reply.js';

export class BackgroundSync {
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  /** Replaces `name` in the directory atomically now (all a crash of the daemon needs) and makes it durable soon after. */
  async write(name: string, data: string, mode: number): Promise<void> {
    await writeFileAtomic(join(this.dir, name), data, mode, { sync: false });
    this.add(name);
  }

  /** `name` in the directory was written; undefined: only entries changed (a rename or unlink). */
  add(name?: string): void {
    this.pending.add(name ?? '');
    this.running ??= this.drain();
  }

  /** Resolves once everything added so far is durable (or its sync has failed and been logged). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      await afterReply();
      while (this.pending.size) {
        const names = [...this.pending].filter(Boolean);
        this.pending.clear();
        await syncFiles(this.dir, names).catch((err: unknown) => log.warn({ err, dir: this.dir }, 'syncing records to disk failed; they stay in the page cache'));
      }
    } finally {
      this.running = undefined;
    }
  }
}
