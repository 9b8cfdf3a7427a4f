// Why a layer could not be unpacked, as husk-unpack reports it.
import { HuskError } from '../common/errors.js';

/**
 * - `escape`: an entry tried to leave the layer directory (tar-slip)
 * - `invalid`: the layer is malformed, or its data does not match its media type
 * - `unsupported`: a media type husk cannot unpack
 * - `system`: an I/O or syscall failure while writing
 */
export type UnpackFailure = 'escape' | 'invalid' | 'unsupported' | 'system';

export class LayerUnpackError extends HuskError {
  readonly reason: UnpackFailure;
  /** The tar entry being written, as named in the layer ('' when none applies). */
  readonly entry: string;
  readonly errno: number;

  constructor(reason: UnpackFailure, entry: string, detail: string, errno = 0) {
    // A bad layer cannot succeed until the image changes: FAILED_PRECONDITION;
    // a failure on our side is INTERNAL.
    super(reason === 'system' ? 'Internal' : 'FailedPrecondition', entry ? `unpacking layer: entry "${entry}": ${detail}` : `unpacking layer: ${detail}`);
    this.reason = reason;
    this.entry = entry;
    this.errno = errno;
  }
}
