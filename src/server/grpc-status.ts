import { status as Code, Metadata, type StatusObject } from '@grpc/grpc-js';
import { HuskError, type ErrorKind } from '../common/errors.js';

const CODE_OF: Record<ErrorKind, Code> = {
  InvalidArgument: Code.INVALID_ARGUMENT,
  NotFound: Code.NOT_FOUND,
  AlreadyExists: Code.ALREADY_EXISTS,
  FailedPrecondition: Code.FAILED_PRECONDITION,
  DeadlineExceeded: Code.DEADLINE_EXCEEDED,
  Unimplemented: Code.UNIMPLEMENTED,
  Unavailable: Code.UNAVAILABLE,
  Internal: Code.INTERNAL,
};

/** The one place a thrown error becomes a gRPC status. Unknown errors are INTERNAL. */
export function toGrpcStatus(err: unknown): StatusObject {
  const code = err instanceof HuskError ? CODE_OF[err.kind] : Code.INTERNAL;
  const details = err instanceof Error ? err.message : String(err);
  return { code, details, metadata: new Metadata() };
}

export function codeName(code: Code): string {
  return Code[code] ?? String(code);
}
