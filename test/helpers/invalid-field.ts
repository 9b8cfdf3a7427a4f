import { expect } from 'chai';
import { InvalidArgumentError } from '../../src/common/errors.js';

/** The request field an InvalidArgumentError names; fails the test for any other outcome. */
export function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(InvalidArgumentError);
    return (e as InvalidArgumentError).field;
  }
  throw new Error('expected InvalidArgumentError');
}
