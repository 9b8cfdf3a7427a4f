// The distribution v2 API for one repository at one endpoint: manifests and
// blobs, with auth, redirects (credentials never follow to another origin),
// bounded retries and the stall guard.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { RegistryNotFoundError, RegistryUnauthorizedError, RegistryUnavailableError, ContentInvalidError } from '../errors.js';
import { MANIFEST_ACCEPT } from '../media-types.js';
import { hasherFor, isDigest, sha256Digest } from '../digest.js';
import { DigestVerifier } from '../verify-stream.js';
import type { Authorizer } from './authorizer.js';
import type { RegistryEndpoint } from './endpoints.js';
import { send } from './http-transport.js';
import { discard, readBody } from './read-body.js';
import { DEFAULT_RETRY, RETRYABLE_STATUS, withRetries, type RetryPolicy } from './retry.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

const MANIFEST_LIMIT = 4 << 20;
const MAX_REDIRECTS = 5;
const USER_AGENT = 'husk';

export interface FetchedManifest {
  mediaType: string;
  digest: string;
  body: Buffer;
}

export interface RepositoryClientOptions {
  endpoint: RegistryEndpoint;
  /** `library/busybox` */
  repository: string;
  authorizer: Authorizer;
  stallMs: number;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Called with the size of every body chunk received (metrics). */
  onBytes?: (n: number) => void;
}

export class RepositoryClient {
  private readonly scope: string;

  constructor(private readonly opts: RepositoryClientOptions) {
    this.scope = `repository:${opts.repository}:pull`;
  }

  get endpoint(): RegistryEndpoint {
    return this.opts.endpoint;
  }

  /** `reference` is a tag or a digest; a digest is verified against the body. */
  async getManifest(reference: string): Promise<FetchedManifest> {
    return withRetries(this.opts.retry ?? DEFAULT_RETRY, this.opts.signal, async () => {
      const res = await this.request('GET', `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
      const body = await readBody(res, MANIFEST_LIMIT, `manifest ${reference}`);
      this.opts.onBytes?.(body.length);
      const mediaType = manifestMediaType(res.headers['content-type'], body);
      let digest: string;
      if (isDigest(reference)) {
        digest = `${reference.slice(0, reference.indexOf(':'))}:${hasherFor(reference).update(body).digest('hex')}`;
        if (digest !== reference) throw new ContentInvalidError(`manifest digest mismatch: asked for ${reference}, got ${digest}`);
      } else {
        digest = sha256Digest(body);
      }
      return { mediaType, digest, body };
    });
  }

  /** The blob as a stream that fails unless its bytes match `digest` and `size`. */
  async fetchBlob(digest: string, size: number): Promise<Readable> {
    const res = await withRetries(this.opts.retry ?? DEFAULT_RETRY, this.opts.signal, () => this.request('GET', `blobs/${digest}`, {}));
    const verifier = new DigestVerifier(digest, size, this.opts.onBytes);
    res.on('error', (err) => verifier.destroy(err));
    verifier.on('close', () => {
      if (!res.readableEnded) res.destroy();
    });
    res.pipe(verifier);
    return verifier;
  }

  /** A 2xx response for `GET <base>/v2/<repo>/<path>`, or a typed error. */
  private async request(method: 'GET' | 'HEAD', path: string, extraHeaders: Record<string, string>): Promise<IncomingMessage> {
    const { endpoint, authorizer } = this.opts;
    const origin = new URL(endpoint.base).origin;
    let url = new URL(`${endpoint.base}/v2/${this.opts.repository}/${path}`);
    let authorization = await authorizer.header(endpoint, this.scope);
    let reauthorized = false;

    for (let redirects = 0; ; ) {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...extraHeaders };
      // Credentials are for the registry only, never for a CDN it redirects to.
      if (authorization && url.origin === origin) headers['authorization'] = authorization;
      const res = await send({ method, url, headers, stallMs: this.opts.stallMs, signal: this.opts.signal });
      const status = res.statusCode ?? 0;
      const what = `${method} ${url.origin}${url.pathname}`;

      if (status >= 200 && status < 300) return res;

      if (status >= 300 && status < 400 && res.headers.location) {
        discard(res);
        if (++redirects > MAX_REDIRECTS) throw new RegistryUnavailableError(`${what}: too many redirects`);
        url = new URL(res.headers.location, url);
        continue;
      }

      const detail = await errorDetail(res);
      if (status === 401 && url.origin === origin && !reauthorized) {
        reauthorized = true;
        authorization = await authorizer.onUnauthorized(endpoint, parseWwwAuthenticate(res.headers['www-authenticate']), this.scope, authorization);
        continue;
      }
      if (status === 401 || status === 403) {
        const why = authorizer.hasCredentialsFor(endpoint) ? 'the registry rejected the credentials' : 'the registry requires credentials and none were given';
        throw new RegistryUnauthorizedError(`${what}: ${why} (HTTP ${status})${detail}`);
      }
      if (status === 404) throw new RegistryNotFoundError(`${what}: not found${detail}`);
      const retryAfter = Number(res.headers['retry-after']);
      throw Object.assign(new RegistryUnavailableError(`${what}: HTTP ${status}${detail}`, { retryable: RETRYABLE_STATUS.has(status) }), {
        retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
      });
    }
  }
}

/** The registry's `{"errors":[{"code","message"}]}` as a short suffix for messages. */
async function errorDetail(res: IncomingMessage): Promise<string> {
  try {
    const body = await readBody(res, 64 << 10, 'error body');
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    if (first) return `: ${[first.code, first.message].filter(Boolean).join(' ')}`;
  } catch {
    // a non-JSON error body says nothing useful
  }
  return '';
}

/** Content-Type when it is meaningful, else the body's own `mediaType` (some registries send application/json). */
function manifestMediaType(contentType: string | undefined, body: Buffer): string {
  const header = (contentType ?? '').split(';')[0]!.trim();
  if (header && header !== 'application/json' && header !== 'application/octet-stream' && header !== 'text/plain') return header;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
    if (Array.isArray(parsed.manifests)) return 'application/vnd.oci.image.index.v1+json';
    if (parsed.schemaVersion === 2) return 'application/vnd.oci.image.manifest.v1+json';
  } catch {
    // fall through: the caller rejects an unknown type
  }
  return header || 'application/octet-stream';
}
