import { expect } from 'chai';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import { sysctlNamespace, sysctlPath } from '../../../src/native/sysctl.js';

describe('sysctl names', function () {
  it('knows which namespace each pod-settable sysctl lives in', function () {
    expect(sysctlNamespace('net.ipv4.ip_local_port_range')).to.equal('net');
    expect(sysctlNamespace('net/ipv4/conf/eth0.100/forwarding')).to.equal('net');
    expect(sysctlNamespace('kernel.shm_rmid_forced')).to.equal('ipc');
    expect(sysctlNamespace('kernel.msgmax')).to.equal('ipc');
    expect(sysctlNamespace('kernel.sem')).to.equal('ipc');
    expect(sysctlNamespace('fs.mqueue.msg_max')).to.equal('ipc');
    expect(sysctlNamespace('kernel.hostname')).to.equal('uts');
    expect(sysctlNamespace('vm.swappiness')).to.equal(undefined);
    expect(sysctlNamespace('kernel.panic')).to.equal(undefined);
  });

  it('maps keys to /proc/sys paths the way sysctl(8) does', function () {
    expect(sysctlPath('net.ipv4.tcp_syncookies')).to.equal('net/ipv4/tcp_syncookies');
    expect(sysctlPath('net/ipv4/conf/eth0.100/forwarding')).to.equal('net/ipv4/conf/eth0.100/forwarding');
  });

  it('refuses names that could leave /proc/sys', function () {
    for (const bad of ['net/../../etc/passwd', '../x', 'net..ipv4', 'net.ipv4 x', ''])
      expect(() => sysctlPath(bad), bad).to.throw(InvalidArgumentError);
  });
});
