import { expect } from 'chai';
import { RequestCache, TooManyStreamingRequestsError } from '../../../src/streaming/request-cache.js';

describe('streaming request cache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('hands out distinct URL-safe tokens', () => {
    const cache = new RequestCache<string>({ now: clock });
    const tokens = new Set(Array.from({ length: 50 }, (_, i) => cache.insert(`r${i}`)));
    expect(tokens.size).to.equal(50);
    for (const t of tokens) expect(t).to.match(/^[A-Za-z0-9_-]{11}$/);
  });

  it('gives the request back exactly once', () => {
    const cache = new RequestCache<string>({ now: clock });
    const token = cache.insert('exec');
    expect(cache.consume(token)).to.equal('exec');
    expect(cache.consume(token)).to.equal(undefined);
  });

  it('knows no unknown token', () => {
    const cache = new RequestCache<string>({ now: clock });
    cache.insert('exec');
    expect(cache.consume('AAAAAAAAAAA')).to.equal(undefined);
  });

  it('expires a token after one minute by default', () => {
    const cache = new RequestCache<string>({ now: clock });
    const fresh = cache.insert('a');
    const stale = cache.insert('b');
    now += 59_999;
    expect(cache.consume(fresh)).to.equal('a');
    now += 1;
    expect(cache.consume(stale)).to.equal(undefined);
  });

  it('refuses new requests when too many are waiting, until old ones expire', () => {
    const cache = new RequestCache<number>({ now: clock, maxInFlight: 3, ttlMs: 1000 });
    cache.insert(1);
    cache.insert(2);
    cache.insert(3);
    expect(() => cache.insert(4)).to.throw(TooManyStreamingRequestsError);
    now += 1000;
    cache.insert(5);
    expect(cache.size).to.equal(1);
  });
});
