import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, NotFoundError, HuskError } from './errors.js';

const FULL_ID = /^[0-9a-f]{64}$/;
const ID_PREFIX = /^[0-9a-f]{1,64}$/;

/** A fresh 64-hex-character object ID, as kubelet and crictl expect. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function isFullId(s: string): boolean {
  return FULL_ID.test(s);
}

/**
 * Resolves an ID or unique ID prefix against the known IDs.
 * Throws NotFound when nothing matches, InvalidArgument when the prefix is
 * malformed or ambiguous (names `field` in the message).
 */
export function resolveId(prefix: string, known: Iterable<string>, what: string, field: string): string {
  if (!prefix) throw new InvalidArgumentError(field, `${what} ID is required`);
  if (!ID_PREFIX.test(prefix)) throw new InvalidArgumentError(field, `"${prefix}" is not a ${what} ID (hex, up to 64 characters)`);
  let found: string | undefined;
  for (const id of known) {
    if (!id.startsWith(prefix)) continue;
    if (found !== undefined) throw new AmbiguousIdError(what, prefix);
    found = id;
    if (id.length === prefix.length) break;
  }
  if (found === undefined) throw new NotFoundError(what, prefix);
  return found;
}

export class AmbiguousIdError extends HuskError {
  constructor(what: string, prefix: string) {
    super('InvalidArgument', `${what} ID prefix "${prefix}" is ambiguous`);
  }
}
