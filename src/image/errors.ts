// Errors of the image domain that the shared set does not name. Each still
// carries an ErrorKind, so the server maps it to a gRPC code in one place.
import { HuskError } from '../common/errors.js';

/** The registry refused our credentials, or wanted some and we had none. */
export class RegistryUnauthorizedError extends HuskError {
  constructor(message: string) {
    // No Unauthenticated kind exists in the shared set; FAILED_PRECONDITION
    // is the closest: the request cannot succeed until credentials change.
    super('FailedPrecondition', message);
  }
}

/** The image, a manifest for this platform, or a blob does not exist at the registry. */
export class RegistryNotFoundError extends HuskError {
  constructor(message: string) {
    super('NotFound', message);
  }
}

/** The registry could not be reached or answered with something unusable. */
export class RegistryUnavailableError extends HuskError {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super('Unavailable', message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** No bytes arrived for the configured stall time. */
export class RegistryStallError extends HuskError {
  constructor(message: string) {
    super('DeadlineExceeded', message);
  }
}

/** Content did not match its digest or size, or a manifest or config is malformed. */
export class ContentInvalidError extends HuskError {
  constructor(message: string) {
    super('Internal', message);
  }
}
