import { expect } from 'chai';
import { EventBus, type LifecycleEvent } from '../../../src/events/event-bus.js';

function event(containerId: string): LifecycleEvent<string> {
  return { containerId, type: 'started', createdAtNs: 1n, snapshot: containerId };
}

async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('EventBus', () => {
  it('delivers events published after subscribing, in order, to every subscriber', async () => {
    const bus = new EventBus<string>();
    const ac = new AbortController();
    const a = bus.subscribe(ac.signal);
    const b = bus.subscribe(ac.signal);
    const firstA = a.next(); // starts the generator so it is subscribed
    const firstB = b.next();
    bus.publish(event('c1'));
    bus.publish(event('c2'));
    expect((await firstA).value!.containerId).to.equal('c1');
    expect((await firstB).value!.containerId).to.equal('c1');
    expect((await take(a, 1)).map((e) => e.containerId)).to.deep.equal(['c2']);
    ac.abort();
  });

  it('never blocks the publisher: a slow subscriber loses its oldest events beyond the limit', async () => {
    const bus = new EventBus<string>(3);
    const ac = new AbortController();
    const sub = bus.subscribe(ac.signal);
    const first = sub.next();
    for (let i = 0; i < 10; i++) bus.publish(event(`c${i}`));
    expect([(await first).value!, ...(await take(sub, 2))].map((e) => e.containerId)).to.deep.equal(['c7', 'c8', 'c9']);
    ac.abort();
  });

  it('ends subscriptions on abort and on close', async () => {
    const bus = new EventBus<string>();
    const ac = new AbortController();
    const sub = bus.subscribe(ac.signal);
    const pending = sub.next();
    ac.abort();
    expect((await pending).done).to.equal(true);
    const other = bus.subscribe(new AbortController().signal);
    const waiting = other.next();
    bus.close();
    expect((await waiting).done).to.equal(true);
  });
});
