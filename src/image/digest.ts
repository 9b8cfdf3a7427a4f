// Content digests (`algorithm:hex`) as the OCI image spec defines them.
import { createHash, type Hash } from 'node:crypto';

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export type Digest = `${string}:${string}`;

/** The digest when `s` is a well-formed digest of a supported algorithm, else undefined. */
export function parseDigest(s: string): { algorithm: string; hex: string } | undefined {
  const colon = s.indexOf(':');
  if (colon < 0) return undefined;
  const algorithm = s.slice(0, colon);
  const hex = s.slice(colon + 1);
  const length = HEX_LENGTH[algorithm];
  if (length === undefined || hex.length !== length || !/^[0-9a-f]+$/.test(hex)) return undefined;
  return { algorithm, hex };
}

export function isDigest(s: string): s is Digest {
  return parseDigest(s) !== undefined;
}

export function hasherFor(digest: string): Hash {
  const parsed = parseDigest(digest);
  if (!parsed) throw new Error(`unsupported digest "${digest}"`);
  return createHash(parsed.algorithm);
}

export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
