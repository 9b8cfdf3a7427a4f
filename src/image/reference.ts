// Image references, parsed and normalised the way Docker and containerd do
// (the distribution reference grammar): `busybox` is
// `docker.io/library/busybox:latest`.
import { InvalidArgumentError } from '../common/errors.js';
import { parseDigest } from './digest.js';

export const DOCKER_DOMAIN = 'docker.io';
const LEGACY_DOCKER_DOMAIN = 'index.docker.io';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const NAME_MAX = 255;

export interface ImageReference {
  /** Registry host, with port when given: `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  path: string;
  /** Absent when the reference is by digest only. */
  tag?: string;
  digest?: string;
}

/**
 * Parses and normalises a reference. A name alone gets the `latest` tag; a
 * tag given together with a digest is dropped (the digest decides), as in
 * containerd. Throws InvalidArgumentError naming `field`.
 */
export function parseReference(input: string, field = 'image.image'): ImageReference {
  const bad = (problem: string) => new InvalidArgumentError(field, `invalid image reference "${input}": ${problem}`);
  if (!input) throw new InvalidArgumentError(field, 'image reference is required');
  if (input !== input.trim()) throw bad('contains whitespace');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!parseDigest(digest)) throw bad('digest must be sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>');
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag "${tag}" is not valid`);
  }
  if (!rest) throw bad('repository name is empty');
  if (/^[0-9a-f]{64}$/.test(rest)) throw bad('a 64-character hex string is an ID, not a repository name');

  const { domain, path } = splitDomain(rest);
  if (!DOMAIN.test(domain)) throw bad(`registry host "${domain}" is not valid`);
  if (path !== path.toLowerCase()) throw bad('repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) throw bad(`path component "${component}" is not valid`);
  }
  if (domain.length + 1 + path.length > NAME_MAX) throw bad(`repository name is longer than ${NAME_MAX} characters`);

  if (digest) return { domain, path, digest };
  return { domain, path, tag: tag ?? 'latest' };
}

/** Docker's rule: the first component is a registry host when it has a `.` or `:`, is `localhost`, or has uppercase letters. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let domain: string;
  let path: string;
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first === first.toLowerCase())) {
    domain = DOCKER_DOMAIN;
    path = name;
  } else {
    domain = first;
    path = name.slice(slash + 1);
  }
  if (domain === LEGACY_DOCKER_DOMAIN) domain = DOCKER_DOMAIN;
  if (domain === DOCKER_DOMAIN && !path.includes('/')) path = `library/${path}`;
  return { domain, path };
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full normalised form: `docker.io/library/busybox:latest` or `name@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  const name = repositoryName(ref);
  if (ref.digest) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? 'latest'}`;
}

/** `docker.io/library/busybox:latest` → `busybox:latest`, as `docker images` shows it. */
export function familiarName(ref: ImageReference): string {
  let name = repositoryName(ref);
  if (ref.domain === DOCKER_DOMAIN) {
    name = ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice('library/'.length) : ref.path;
  }
  if (ref.digest) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? 'latest'}`;
}

/** Normalises a reference string; invalid input throws InvalidArgumentError. */
export function normalizeReference(input: string, field = 'image.image'): string {
  return formatReference(parseReference(input, field));
}
