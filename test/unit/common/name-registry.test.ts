import { expect } from 'chai';
import { NameRegistry } from '../../../src/common/name-registry.js';
import { AlreadyExistsError } from '../../../src/common/errors.js';

describe('NameRegistry', () => {
  it('answers ALREADY_EXISTS naming the holder, and frees a name only for its holder', () => {
    const r = new NameRegistry('pod sandbox');
    r.reserve('web_default_u_0', 'id1');
    r.reserve('web_default_u_0', 'id1'); // idempotent for the holder
    expect(() => r.reserve('web_default_u_0', 'id2')).to.throw(AlreadyExistsError, 'pod sandbox name "web_default_u_0" is reserved for "id1"');
    r.release('web_default_u_0', 'id2');
    expect(r.holder('web_default_u_0')).to.equal('id1');
    r.release('web_default_u_0', 'id1');
    r.reserve('web_default_u_0', 'id2');
  });
});
