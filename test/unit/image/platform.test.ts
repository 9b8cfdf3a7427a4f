import { expect } from 'chai';
import { compatiblePlatforms, normalizePlatform, selectPlatform, type Platform } from '../../../src/image/platform.js';

const amd64: Platform = { os: 'linux', architecture: 'amd64' };
const arm64: Platform = { os: 'linux', architecture: 'arm64' };
const entries = (...ps: Array<Platform | undefined>) => ps.map((platform) => (platform ? { platform } : {}));

describe('platform selection', () => {
  it('normalises aliases and default variants', () => {
    expect(normalizePlatform({ os: 'Linux', architecture: 'x86_64' })).to.deep.equal(amd64);
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64' })).to.deep.equal(arm64);
    expect(normalizePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).to.deep.equal(arm64);
    expect(normalizePlatform({ os: 'linux', architecture: 'arm' })).to.deep.equal({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(normalizePlatform({ os: 'linux', architecture: 'armhf' })).to.deep.equal({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(normalizePlatform({ os: 'linux', architecture: 'amd64', variant: 'v1' })).to.deep.equal(amd64);
  });

  it('lists what a host runs, best first', () => {
    expect(compatiblePlatforms({ os: 'linux', architecture: 'arm', variant: 'v7' }).map((p) => p.variant)).to.deep.equal(['v7', 'v6', 'v5']);
    expect(compatiblePlatforms(arm64).map((p) => `${p.architecture}${p.variant ?? ''}`)).to.deep.equal(['arm64', 'armv8', 'armv7', 'armv6', 'armv5']);
    expect(compatiblePlatforms({ os: 'linux', architecture: 'amd64', variant: 'v3' }).map((p) => `${p.architecture}${p.variant ?? ''}`)).to.deep.equal([
      'amd64v3',
      'amd64v2',
      'amd64',
      '386',
    ]);
  });

  it('picks linux/amd64 from a multi-arch index', () => {
    const list = entries(arm64, { os: 'linux', architecture: 'arm', variant: 'v7' }, amd64, { os: 'windows', architecture: 'amd64' });
    expect(selectPlatform(list, amd64)).to.equal(2);
  });

  it('ignores attestation manifests and other operating systems', () => {
    expect(selectPlatform(entries({ os: 'unknown', architecture: 'unknown' }, { os: 'windows', architecture: 'amd64' }), amd64)).to.equal(-1);
  });

  it('prefers the exact match over a compatible one, whatever the order', () => {
    expect(selectPlatform(entries({ os: 'linux', architecture: '386' }, amd64), amd64)).to.equal(1);
    expect(selectPlatform(entries({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' }), { os: 'linux', architecture: 'arm', variant: 'v7' })).to.equal(1);
  });

  it('falls back to a compatible platform', () => {
    expect(selectPlatform(entries({ os: 'linux', architecture: '386' }), amd64)).to.equal(0);
    expect(selectPlatform(entries({ os: 'linux', architecture: 'arm', variant: 'v7' }), arm64)).to.equal(0);
    expect(selectPlatform(entries({ os: 'linux', architecture: 'arm', variant: 'v8' }), { os: 'linux', architecture: 'arm', variant: 'v7' })).to.equal(-1);
  });

  it('matches arm64 with and without v8, and plain arm as v7', () => {
    expect(selectPlatform(entries({ os: 'linux', architecture: 'arm64', variant: 'v8' }), arm64)).to.equal(0);
    expect(selectPlatform(entries({ os: 'linux', architecture: 'arm' }), { os: 'linux', architecture: 'arm', variant: 'v7' })).to.equal(0);
  });

  it('takes the first of equals and uses a platform-less entry only as a last resort', () => {
    expect(selectPlatform(entries(amd64, amd64), amd64)).to.equal(0);
    expect(selectPlatform(entries(undefined, amd64), amd64)).to.equal(1);
    expect(selectPlatform(entries(undefined), amd64)).to.equal(0);
  });
});
