// Work a request sets off but need not wait for: freeing what a removed pod
// or container held (cgroups, writable layer, state dirs, network). The
// object is gone from the API at once, its teardown finishes here, and a
// crash part-way leaves a tombstone that recovery hands back to this queue.
import { log } from '../log/logger.js';

export class DeferredWork {
  private readonly pending = new Map<string, Set<Promise<void>>>();

  /** Runs `work` in the background under `group` (a pod ID); a failure is logged with `context`. */
  schedule(group: string, context: Record<string, unknown>, work: () => Promise<void>): void {
    const set = this.pending.get(group) ?? new Set<Promise<void>>();
    this.pending.set(group, set);
    // setImmediate: the reply to the request that set this off goes out first.
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err: unknown) => log.error({ err, ...context }, 'background teardown failed; it is retried at the next start'))
      .finally(() => {
        set.delete(done);
        if (set.size === 0 && this.pending.get(group) === set) this.pending.delete(group);
      });
    set.add(done);
  }

  /** Resolves once the work of `group` (or of every group) scheduled so far has finished. */
  async settled(group?: string): Promise<void> {
    const sets = group === undefined ? [...this.pending.values()] : [this.pending.get(group) ?? new Set<Promise<void>>()];
    await Promise.all(sets.flatMap((s) => [...s]));
  }
}
