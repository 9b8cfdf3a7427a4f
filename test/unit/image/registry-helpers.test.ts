import { expect } from 'chai';
import { SingleFlight } from '../../../src/image/single-flight.js';
import { TokenCache } from '../../../src/image/registry/token-cache.js';
import { backoffDelay, isRetryableError, withRetries } from '../../../src/image/registry/retry.js';
import { RegistryUnavailableError, RegistryStallError } from '../../../src/image/errors.js';

describe('pull plumbing', () => {
  it('single flight shares one run per key and forgets it after', async () => {
    const sf = new SingleFlight<string, number>();
    let runs = 0;
    const fn = async () => ++runs;
    const [a, b] = await Promise.all([sf.run('k', fn), sf.run('k', fn)]);
    expect([a, b]).to.deep.equal([1, 1]);
    expect(await sf.run('k', fn)).to.equal(2);
    const err = await sf.run('x', () => {
      throw new Error('sync');
    }).catch((e: unknown) => e);
    expect((err as Error).message).to.equal('sync');
    expect(sf.has('x')).to.equal(false);
  });

  it('token cache expires entries before the token service would', () => {
    const c = new TokenCache();
    c.set('k', 't', 60, 0);
    expect(c.get('k', 1000)).to.equal('t');
    expect(c.get('k', 55_000)).to.equal(undefined);
    c.set('short', 's', 4, 0);
    expect(c.get('short', 1000)).to.equal('s');
    expect(c.get('short', 2500)).to.equal(undefined);
  });

  it('retries 5xx-like and reset errors, not refusals or stalls', () => {
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).to.equal(true);
    expect(isRetryableError(new RegistryUnavailableError('503', { retryable: true }))).to.equal(true);
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).to.equal(false);
    expect(isRetryableError(new RegistryStallError('stall'))).to.equal(false);
  });

  it('backs off exponentially within the cap, and obeys Retry-After', () => {
    const p = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(p, 1)).to.be.within(50, 100);
    expect(backoffDelay(p, 3)).to.be.within(200, 400);
    expect(backoffDelay(p, 10)).to.be.within(500, 1000);
    expect(backoffDelay(p, 1, 0.3)).to.equal(300);
    expect(backoffDelay(p, 1, 60)).to.equal(1000);
  });

  it('gives up after the bounded number of attempts', async () => {
    let calls = 0;
    const err = await withRetries({ attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, undefined, async () => {
      calls++;
      throw new RegistryUnavailableError('503', { retryable: true });
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RegistryUnavailableError);
    expect(calls).to.equal(3);
  });
});
