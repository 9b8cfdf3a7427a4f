import { expect } from 'chai';
import { SPDY_REMOTE_COMMAND_PROTOCOLS, negotiate, splitHeaderList } from '../../../src/streaming/protocols.js';

describe('streaming protocol negotiation', () => {
  it("takes the client's first protocol the server supports", () => {
    expect(negotiate(['v9.channel.k8s.io', 'v3.channel.k8s.io', 'v4.channel.k8s.io'], SPDY_REMOTE_COMMAND_PROTOCOLS)).to.equal('v3.channel.k8s.io');
    expect(negotiate(['v9.channel.k8s.io'], SPDY_REMOTE_COMMAND_PROTOCOLS)).to.equal(undefined);
  });

  it('reads repeated and comma-separated header values', () => {
    expect(splitHeaderList(['v4.channel.k8s.io, v3.channel.k8s.io', 'channel.k8s.io'])).to.deep.equal(['v4.channel.k8s.io', 'v3.channel.k8s.io', 'channel.k8s.io']);
    expect(splitHeaderList(undefined)).to.deep.equal([]);
  });
});
