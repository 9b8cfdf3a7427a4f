// Typed errors from the native addon: every failure carries the errno, its
// symbolic code, the step husk was taking and the syscall that failed.
import { InternalError } from '../common/errors.js';

export interface NativeErrorFields {
  /** Positive errno value (e.g. 2); 0 when the failure was not a syscall's. */
  errno: number;
  /** Symbolic errno name, e.g. 'ENOENT'; undefined when errno is 0. */
  code?: string;
  /** What husk was doing, e.g. 'pin namespace'. */
  step: string;
  /** The failing call, e.g. 'mount'; undefined when none applies. */
  syscall?: string;
  /** Paths, arguments and kernel messages. */
  detail: string;
}

export class NativeError extends InternalError {
  readonly errno: number;
  readonly code: string | undefined;
  readonly step: string;
  readonly syscall: string | undefined;
  readonly detail: string;

  constructor(message: string, fields: NativeErrorFields) {
    super(message);
    this.name = 'NativeError';
    this.errno = fields.errno;
    this.code = fields.code;
    this.step = fields.step;
    this.syscall = fields.syscall;
    this.detail = fields.detail;
  }
}

/** True for a NativeError, optionally with the given code ('ENOENT', ...). */
export function isNativeError(e: unknown, code?: string): e is NativeError {
  return e instanceof NativeError && (code === undefined || e.code === code);
}

/** The addon throws plain Errors with these fields; this makes them NativeErrors. */
export function fromAddonError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const raw = e as Error & Partial<NativeErrorFields>;
  if (typeof raw.step !== 'string' || typeof raw.errno !== 'number') return e;
  return new NativeError(raw.message, {
    errno: raw.errno,
    code: typeof raw.code === 'string' ? raw.code : undefined,
    step: raw.step,
    syscall: typeof raw.syscall === 'string' ? raw.syscall : undefined,
    detail: typeof raw.detail === 'string' ? raw.detail : '',
  });
}
