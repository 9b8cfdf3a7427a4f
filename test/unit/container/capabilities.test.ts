import { expect } from 'chai';
import { containerCapabilities, capabilitiesInMask, ALL_CAPABILITIES } from '../../../src/container/capabilities.js';
import { DEFAULT_CAPABILITIES } from '../../../src/native/spec.js';

describe('container capabilities', () => {
  it('starts from the runtime default set', () => expect(containerCapabilities([], [], false)).to.deep.equal([...DEFAULT_CAPABILITIES]));
  it('adds and drops with or without the CAP_ prefix', () => {
    const caps = containerCapabilities(['sys_time'], ['NET_RAW', 'CAP_MKNOD'], false);
    expect(caps).to.include('CAP_SYS_TIME');
    expect(caps).to.not.include.members(['CAP_NET_RAW', 'CAP_MKNOD']);
  });
  it('drop ALL then add keeps only the adds', () => expect(containerCapabilities(['NET_BIND_SERVICE'], ['ALL'], false)).to.deep.equal(['CAP_NET_BIND_SERVICE']));
  it('add ALL and privileged give every capability', () => {
    expect(containerCapabilities(['ALL'], [], false)).to.deep.equal([...ALL_CAPABILITIES]);
    expect(containerCapabilities([], ['ALL'], true)).to.deep.equal([...ALL_CAPABILITIES]);
  });
  it('never asks for more than the host bounding set holds', () => {
    const host = capabilitiesInMask('000001fffeffffff'); // a host without CAP_SYS_RESOURCE (bit 24)
    expect(host).to.not.include('CAP_SYS_RESOURCE');
    expect(containerCapabilities([], [], true, host)).to.deep.equal(host);
    expect(containerCapabilities(['SYS_RESOURCE', 'SYS_TIME'], [], false, host)).to.include('CAP_SYS_TIME').and.not.include('CAP_SYS_RESOURCE');
  });

  it('names an unknown capability', () => {
    expect(() => containerCapabilities(['CAP_FLY'], [], false)).to.throw('config.linux.security_context.capabilities.add_capabilities[0]: unknown capability "CAP_FLY"');
  });
});
