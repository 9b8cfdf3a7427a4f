// Work a request sets off but need not wait for: freeing what a removed pod
// or container held (cgroups, writable layer, state dirs, network). The
// object is gone from the API at once, its teardown finishes here, and a
// crash part-way leaves a tombstone that recovery hands back to this queue.
// One job at a time, in order: a burst of removals (kubelet's garbage
// collection) never competes much with the requests that keep coming.
import { log } from '../log/logger.js';
import { afterReply } from './after-reply.js';

interface Job {
  context: Record<string, unknown>;
  work: () => Promise<void>;
}

export class DeferredWork {
  private readonly queue: Job[] = [];
  private idle: Promise<void> = Promise.resolve();
  private running = false;

  /** Queues `work`; a failure is logged with `context` (the tombstone stays for the next start). */
  schedule(context: Record<string, unknown>, work: () => Promise<void>): void {
    this.queue.push({ context, work });
    if (this.running) return;
    this.running = true;
    this.idle = afterReply().then(() => this.drain());
  }

  /** Resolves once everything queued so far has been done. */
  async settled(): Promise<void> {
    while (this.running) await this.idle;
  }

  private async drain(): Promise<void> {
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      try {
        await job.work();
      } catch (err) {
        log.error({ err, ...job.context }, 'background teardown failed; it is retried at the next start');
      }
    }
    this.running = false;
  }
}
