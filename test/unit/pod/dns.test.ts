import { expect } from 'chai';
import { resolvConf, hostsFile } from '../../../src/pod/dns.js';

describe('pod /etc files', () => {
  it('writes resolv.conf from the CRI DNS config', () => {
    expect(resolvConf({ servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] }, 'host')).to.equal(
      'search default.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });
  it("falls back to the host's resolv.conf when kubelet sends none", () => {
    expect(resolvConf(null, 'nameserver 1.1.1.1\n')).to.equal('nameserver 1.1.1.1\n');
    expect(resolvConf({ servers: [], searches: [], options: [] }, 'nameserver 1.1.1.1\n')).to.equal('nameserver 1.1.1.1\n');
  });
  it('names the pod in /etc/hosts with its IPs', () => {
    const hosts = hostsFile('web', ['10.1.0.5']);
    expect(hosts).to.contain('127.0.0.1\tlocalhost\n');
    expect(hosts).to.contain('10.1.0.5\tweb\n');
  });
});
