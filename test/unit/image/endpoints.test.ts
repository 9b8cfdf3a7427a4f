import { expect } from 'chai';
import { endpointsFor, isLoopbackHost } from '../../../src/image/registry/endpoints.js';

const registry = (over: Partial<{ insecure: string[]; mirrors: Record<string, { endpoints: string[] }> }> = {}) => ({
  insecure: [],
  stall_timeout_seconds: 60,
  mirrors: {},
  ...over,
});

describe('registry endpoints', () => {
  it('Docker Hub goes to registry-1.docker.io over HTTPS', () => {
    expect(endpointsFor('docker.io', registry())).to.deep.equal([{ base: 'https://registry-1.docker.io', authHost: 'docker.io', mirror: false }]);
  });

  it('loopback registries speak plain HTTP without configuration', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000']) {
      expect(isLoopbackHost(host), host).to.equal(true);
      expect(endpointsFor(host, registry())[0]!.base).to.equal(`http://${host}`);
    }
    for (const host of ['128.0.0.1', 'localhost.example.com', 'example.com:5000', '[::2]']) expect(isLoopbackHost(host), host).to.equal(false);
  });

  it('hosts named insecure speak plain HTTP; others HTTPS', () => {
    expect(endpointsFor('reg.lan:5000', registry({ insecure: ['reg.lan:5000'] }))[0]!.base).to.equal('http://reg.lan:5000');
    expect(endpointsFor('reg.lan', registry({ insecure: ['reg.lan'] }))[0]!.base).to.equal('http://reg.lan');
    expect(endpointsFor('other.lan', registry({ insecure: ['reg.lan'] }))[0]!.base).to.equal('https://other.lan');
  });

  it('mirrors come first, in order, then the upstream', () => {
    const got = endpointsFor(
      'registry.k8s.io',
      registry({ mirrors: { 'registry.k8s.io': { endpoints: ['http://10.0.0.1:5000', 'mirror.example.com', 'https://m2.example.com/v2/', 'https://m3/prefix'] } } }),
    );
    expect(got).to.deep.equal([
      { base: 'http://10.0.0.1:5000', authHost: '10.0.0.1:5000', mirror: true },
      { base: 'https://mirror.example.com', authHost: 'mirror.example.com', mirror: true },
      { base: 'https://m2.example.com', authHost: 'm2.example.com', mirror: true },
      { base: 'https://m3/prefix', authHost: 'm3', mirror: true },
      { base: 'https://registry.k8s.io', authHost: 'registry.k8s.io', mirror: false },
    ]);
  });

  it('a scheme-less loopback mirror is plain HTTP; an https:// one stays HTTPS', () => {
    const got = endpointsFor('docker.io', registry({ mirrors: { 'docker.io': { endpoints: ['127.0.0.1:5001', 'https://localhost:5002'] } } }));
    expect(got.map((e) => e.base)).to.deep.equal(['http://127.0.0.1:5001', 'https://localhost:5002', 'https://registry-1.docker.io']);
  });
});
