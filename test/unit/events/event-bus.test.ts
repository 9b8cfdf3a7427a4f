import { expect } from 'chai';
import { EventBus } from '../../../src/events/event-bus.js';

function publish(bus: EventBus<string>, containerId: string): void {
  bus.publish({ containerId, type: 'started', createdAtNs: 1n }, () => containerId);
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
    publish(bus, 'c1');
    publish(bus, 'c2');
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
    for (let i = 0; i < 10; i++) publish(bus, `c${i}`);
    expect([(await first).value!, ...(await take(sub, 2))].map((e) => e.containerId)).to.deep.equal(['c7', 'c8', 'c9']);
    ac.abort();
  });

  it('takes no snapshot while nobody listens, and one per event for listeners', async () => {
    const bus = new EventBus<string>();
    let taken = 0;
    bus.publish({ containerId: 'c0', type: 'created', createdAtNs: 1n }, () => String(++taken));
    expect(taken).to.equal(0);
    const ac = new AbortController();
    const sub = bus.subscribe(ac.signal);
    const first = sub.next();
    bus.publish({ containerId: 'c1', type: 'created', createdAtNs: 2n }, () => String(++taken));
    expect((await first).value!.snapshot).to.equal('1');
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
