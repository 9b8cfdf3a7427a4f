// The container lifecycle bus behind GetContainerEvents (kubelet's evented
// PLEG). Publishing never waits for subscribers: each subscriber has a
// bounded queue, and a subscriber that falls that far behind loses its oldest
// events (counted) rather than slowing the runtime down.
import { Subject } from 'rxjs';
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../metrics/registry.js';

export type ContainerEventType = 'created' | 'started' | 'stopped' | 'deleted';

export interface LifecycleEvent<S = unknown> {
  containerId: string;
  type: ContainerEventType;
  /** Unix time in nanoseconds. */
  createdAtNs: bigint;
  /** What the subscriber sends on (the server maps it to the CRI message). */
  snapshot: S;
}

const subscribers = new Gauge({ name: 'husk_event_subscribers', help: 'Open GetContainerEvents streams.', registers: [metricsRegistry] });
const dropped = new Counter({
  name: 'husk_events_dropped_total',
  help: 'Container events dropped because a subscriber fell too far behind.',
  registers: [metricsRegistry],
});
const published = new Counter({
  name: 'husk_container_events_total',
  help: 'Container lifecycle events published, by type.',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

export class EventBus<S = unknown> {
  private readonly subject = new Subject<LifecycleEvent<S>>();

  constructor(private readonly queueLimit = 1024) {}

  /**
   * `snapshot` is taken now, and only if someone listens: copying a pod's
   * state for every lifecycle step would cost each RPC for nothing while no
   * kubelet reads GetContainerEvents.
   */
  publish(event: Omit<LifecycleEvent<S>, 'snapshot'>, snapshot: () => S): void {
    published.inc({ type: event.type });
    if (this.subject.observed) this.subject.next({ ...event, snapshot: snapshot() });
  }

  /** Events from now on, until `signal` aborts or the bus closes. */
  async *subscribe(signal: AbortSignal): AsyncGenerator<LifecycleEvent<S>> {
    const queue: LifecycleEvent<S>[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const sub = this.subject.subscribe({
      next: (e) => {
        if (queue.length >= this.queueLimit) {
          queue.shift();
          dropped.inc();
        }
        queue.push(e);
        wake?.();
      },
      complete: () => {
        closed = true;
        wake?.();
      },
    });
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    subscribers.inc();
    try {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      subscribers.dec();
      signal.removeEventListener('abort', onAbort);
      sub.unsubscribe();
    }
  }

  /** Ends every subscription (daemon shutdown). */
  close(): void {
    this.subject.complete();
  }
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}
