import { expect } from 'chai';
import { parseWwwAuthenticate } from '../../../src/image/registry/www-authenticate.js';

describe('WWW-Authenticate parsing', () => {
  it('reads a Docker Hub bearer challenge', () => {
    const h = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"';
    expect(parseWwwAuthenticate(h)).to.deep.equal([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });

  it('reads basic with a realm', () => {
    expect(parseWwwAuthenticate('Basic realm="husk-test"')).to.deep.equal([{ scheme: 'basic', params: { realm: 'husk-test' } }]);
  });

  it('reads a scheme without parameters', () => {
    expect(parseWwwAuthenticate('Negotiate')).to.deep.equal([{ scheme: 'negotiate', params: {} }]);
  });

  it('splits several challenges in one header', () => {
    const got = parseWwwAuthenticate('Basic realm="r1", Bearer realm="https://t/x", service=reg, error="insufficient_scope"');
    expect(got).to.deep.equal([
      { scheme: 'basic', params: { realm: 'r1' } },
      { scheme: 'bearer', params: { realm: 'https://t/x', service: 'reg', error: 'insufficient_scope' } },
    ]);
  });

  it('joins repeated headers', () => {
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="b"']).map((c) => c.scheme)).to.deep.equal(['basic', 'bearer']);
  });

  it('handles escapes, commas inside quotes, odd spacing and case', () => {
    const got = parseWwwAuthenticate('BEARER  Realm = "https://a/b?x=1,y=2" ,  Scope="repository:a\\"b:pull"');
    expect(got).to.deep.equal([{ scheme: 'bearer', params: { realm: 'https://a/b?x=1,y=2', scope: 'repository:a"b:pull' } }]);
  });

  it('keeps going on garbage without looping', () => {
    expect(parseWwwAuthenticate('Bearer abc==, ,,"x"')[0]!.scheme).to.equal('bearer');
    expect(parseWwwAuthenticate('')).to.deep.equal([]);
    expect(parseWwwAuthenticate(undefined)).to.deep.equal([]);
  });
});
