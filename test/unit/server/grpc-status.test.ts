import { expect } from 'chai';
import { status as Code } from '@grpc/grpc-js';
import { toGrpcStatus } from '../../../src/server/grpc-status.js';
import {
  InvalidArgumentError,
  NotFoundError,
  AlreadyExistsError,
  FailedPreconditionError,
  DeadlineExceededError,
  InternalError,
} from '../../../src/common/errors.js';

describe('domain error → gRPC status', () => {
  const cases: [Error, Code][] = [
    [new InvalidArgumentError('config.metadata.name', 'is required'), Code.INVALID_ARGUMENT],
    [new NotFoundError('container', 'abc'), Code.NOT_FOUND],
    [new AlreadyExistsError('pod name "x" is reserved'), Code.ALREADY_EXISTS],
    [new FailedPreconditionError('container is not running'), Code.FAILED_PRECONDITION],
    [new DeadlineExceededError('timed out'), Code.DEADLINE_EXCEEDED],
    [new InternalError('boom'), Code.INTERNAL],
    [new TypeError('a bug'), Code.INTERNAL],
  ];
  for (const [err, code] of cases) {
    it(`${err.name} → ${Code[code]}`, () => {
      const st = toGrpcStatus(err);
      expect(st.code).to.equal(code);
      expect(st.details).to.equal(err.message);
    });
  }

  it('keeps the field name in INVALID_ARGUMENT details', () => {
    expect(toGrpcStatus(new InvalidArgumentError('config.metadata.name', 'is required')).details).to.equal('config.metadata.name: is required');
  });
});
