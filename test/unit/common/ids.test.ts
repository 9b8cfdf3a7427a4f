import { expect } from 'chai';
import { newId, isFullId, resolveId } from '../../../src/common/ids.js';
import { HuskError } from '../../../src/common/errors.js';

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as HuskError).kind;
  }
  return 'none';
}

describe('IDs', () => {
  const a = 'ab' + '0'.repeat(62);
  const b = 'ac' + '1'.repeat(62);
  const known = [a, b];

  it('makes 64-hex IDs that differ', () => {
    const x = newId();
    expect(isFullId(x)).to.equal(true);
    expect(newId()).to.not.equal(x);
  });

  it('resolves a full ID and any unique prefix', () => {
    expect(resolveId(a, known, 'container', 'container_id')).to.equal(a);
    expect(resolveId('ab', known, 'container', 'container_id')).to.equal(a);
    expect(resolveId('ac1', known, 'container', 'container_id')).to.equal(b);
  });

  it('refuses an ambiguous prefix as INVALID_ARGUMENT', () => {
    expect(kindOf(() => resolveId('a', known, 'container', 'container_id'))).to.equal('InvalidArgument');
  });

  it('answers NOT_FOUND for an unknown ID and INVALID_ARGUMENT for an empty or non-hex one', () => {
    expect(kindOf(() => resolveId('ff', known, 'pod sandbox', 'pod_sandbox_id'))).to.equal('NotFound');
    expect(kindOf(() => resolveId('', known, 'pod sandbox', 'pod_sandbox_id'))).to.equal('InvalidArgument');
    expect(kindOf(() => resolveId('../etc', known, 'pod sandbox', 'pod_sandbox_id'))).to.equal('InvalidArgument');
  });

  it('names the field in its messages', () => {
    try {
      resolveId('', known, 'container', 'container_id');
    } catch (e) {
      expect((e as Error).message).to.match(/^container_id: /);
    }
  });
});
