// Domain errors. Domain code throws these; the server's instrumentation layer
// maps them to gRPC status codes in one place (src/server/instrument.ts).

export type ErrorKind =
  | 'InvalidArgument'
  | 'NotFound'
  | 'AlreadyExists'
  | 'FailedPrecondition'
  | 'DeadlineExceeded'
  | 'Unimplemented'
  | 'Unavailable'
  | 'Internal';

export class HuskError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = `${kind}Error`;
  }
}

/** A request field is missing or malformed; `field` is the request path, e.g. `config.metadata.name`. */
export class InvalidArgumentError extends HuskError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super('InvalidArgument', `${field}: ${problem}`);
    this.field = field;
  }
}

export class NotFoundError extends HuskError {
  constructor(what: string, id: string) {
    super('NotFound', `${what} "${id}" not found`);
  }
}

export class AlreadyExistsError extends HuskError {
  constructor(message: string) {
    super('AlreadyExists', message);
  }
}

export class FailedPreconditionError extends HuskError {
  constructor(message: string) {
    super('FailedPrecondition', message);
  }
}

export class DeadlineExceededError extends HuskError {
  constructor(message: string) {
    super('DeadlineExceeded', message);
  }
}

export class UnimplementedError extends HuskError {
  constructor(message: string) {
    super('Unimplemented', message);
  }
}

export class InternalError extends HuskError {
  constructor(message: string, cause?: unknown) {
    super('Internal', message, { cause });
  }
}

export function isHuskError(e: unknown): e is HuskError {
  return e instanceof HuskError;
}

/** Node's system errors carry `code` (e.g. 'ENOENT'); this narrows to them. */
export function isErrno(e: unknown, code?: string): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && (code === undefined || (e as NodeJS.ErrnoException).code === code);
}
