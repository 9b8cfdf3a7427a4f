import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { chainIds } from '../../../src/image/chain-id.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('layer chain IDs', () => {
  it('the bottom layer is its own diffID', () => {
    expect(chainIds([d('a')])).to.deep.equal([d('a')]);
  });

  it('each next layer hashes "parent diffID" (OCI image spec)', () => {
    const [c0, c1, c2] = chainIds([d('a'), d('b'), d('c')]);
    expect(c0).to.equal(d('a'));
    expect(c1).to.equal(sha(`${d('a')} ${d('b')}`));
    expect(c2).to.equal(sha(`${c1} ${d('c')}`));
  });

  it('the same diffID on a different parent is a different chain', () => {
    expect(chainIds([d('a'), d('c')])[1]).to.not.equal(chainIds([d('b'), d('c')])[1]);
  });

  it('no layers, no chains', () => expect(chainIds([])).to.deep.equal([]));
});
