import { expect } from 'chai';
import { HuskError } from '../../../src/common/errors.js';
import { fromAddonError, isNativeError, NativeError } from '../../../src/native/errors.js';

describe('native errors', function () {
  it('turns the addon\'s error fields into a NativeError the server maps to INTERNAL', function () {
    const raw = Object.assign(new Error('bind mount: /a onto /b: No such file or directory'), {
      errno: 2,
      code: 'ENOENT',
      step: 'bind mount',
      syscall: 'mount',
      detail: '/a onto /b',
    });
    const e = fromAddonError(raw);
    expect(e).to.be.instanceOf(NativeError).and.instanceOf(HuskError);
    expect(e).to.include({ errno: 2, code: 'ENOENT', step: 'bind mount', syscall: 'mount', detail: '/a onto /b', kind: 'Internal', name: 'NativeError' });
    expect((e as NativeError).message).to.equal(raw.message);
    expect(isNativeError(e, 'ENOENT')).to.equal(true);
    expect(isNativeError(e, 'EPERM')).to.equal(false);
  });

  it('leaves other errors (argument TypeErrors) alone', function () {
    const t = new TypeError('path must be a string');
    expect(fromAddonError(t)).to.equal(t);
    expect(fromAddonError('x')).to.equal('x');
  });
});
