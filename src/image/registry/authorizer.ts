// Answers a registry's 401: Bearer (the distribution token flow, anonymous,
// with username/password, or with a refresh token) or Basic. Remembers each
// host's challenge so later requests authenticate up front.
import { RegistryUnauthorizedError, RegistryUnavailableError } from '../errors.js';
import { basicHeader, credentialsKey, type Credentials, type ScopedCredentials } from './credentials.js';
import type { RegistryEndpoint } from './endpoints.js';
import { send } from './http-transport.js';
import { readBody, discard } from './read-body.js';
import { RETRYABLE_STATUS } from './retry.js';
import type { TokenCache } from './token-cache.js';
import type { Challenge } from './www-authenticate.js';

const CLIENT_ID = 'husk';
const TOKEN_BODY_LIMIT = 1 << 20;

export interface AuthorizerOptions {
  credentials?: ScopedCredentials;
  tokens: TokenCache;
  stallMs: number;
  signal?: AbortSignal;
}

export class Authorizer {
  /** Keyed by endpoint base URL: the challenge that host answered with. */
  private readonly challenges = new Map<string, Challenge>();

  constructor(private readonly opts: AuthorizerOptions) {}

  hasCredentialsFor(endpoint: RegistryEndpoint): boolean {
    return this.credentialsFor(endpoint) !== undefined;
  }

  private credentialsFor(endpoint: RegistryEndpoint): Credentials | undefined {
    const scoped = this.opts.credentials;
    if (!scoped || (scoped.host !== undefined && scoped.host !== endpoint.authHost)) return undefined;
    return scoped.credentials;
  }

  /** The Authorization header to send up front, if this host is known to want one. */
  async header(endpoint: RegistryEndpoint, scope: string): Promise<string | undefined> {
    const credentials = this.credentialsFor(endpoint);
    if (credentials?.kind === 'bearer') return `Bearer ${credentials.token}`;
    const challenge = this.challenges.get(endpoint.base);
    if (!challenge) return undefined;
    return this.answer(endpoint, challenge, scope, credentials);
  }

  /**
   * Called on a 401. Returns the header to retry with, or throws a clear
   * RegistryUnauthorizedError when there is nothing better to send.
   */
  async onUnauthorized(endpoint: RegistryEndpoint, challenges: Challenge[], scope: string, sentHeader: string | undefined): Promise<string> {
    const credentials = this.credentialsFor(endpoint);
    const usable = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!usable) {
      throw new RegistryUnauthorizedError(`${endpoint.base}: authentication required but the registry offered no Bearer or Basic challenge`);
    }
    this.challenges.set(endpoint.base, usable);
    const header = await this.answer(endpoint, usable, scope, credentials, true);
    if (header === undefined || header === sentHeader) {
      throw new RegistryUnauthorizedError(
        credentials
          ? `${endpoint.base}: the registry rejected the credentials for ${scope}`
          : `${endpoint.base}: the registry requires credentials for ${scope} and none were given`,
      );
    }
    return header;
  }

  private async answer(endpoint: RegistryEndpoint, challenge: Challenge, scope: string, credentials: Credentials | undefined, fresh = false): Promise<string | undefined> {
    if (challenge.scheme === 'basic') {
      return credentials?.kind === 'basic' ? basicHeader(credentials.username, credentials.password) : undefined;
    }
    const realm = challenge.params['realm'];
    if (!realm) throw new RegistryUnauthorizedError(`${endpoint.base}: Bearer challenge without a realm`);
    const service = challenge.params['service'] ?? '';
    const key = [realm, service, scope, credentialsKey(credentials)].join('\n');
    const cached = this.opts.tokens.get(key);
    if (cached && !fresh) return `Bearer ${cached}`;
    const { token, expiresIn } = await this.fetchToken(realm, service, scope, credentials);
    this.opts.tokens.set(key, token, expiresIn);
    return `Bearer ${token}`;
  }

  private async fetchToken(realm: string, service: string, scope: string, credentials: Credentials | undefined): Promise<{ token: string; expiresIn?: number }> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryUnauthorizedError(`token realm "${realm}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RegistryUnauthorizedError(`token realm "${realm}" is not http(s)`);

    const headers: Record<string, string> = { 'user-agent': CLIENT_ID, accept: 'application/json' };
    let body: string | undefined;
    let method: 'GET' | 'POST' = 'GET';
    if (credentials?.kind === 'refresh') {
      // OAuth2 refresh grant, as Docker does with an identity token.
      method = 'POST';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.refreshToken, client_id: CLIENT_ID });
      if (service) form.set('service', service);
      if (scope) form.set('scope', scope);
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (service) url.searchParams.set('service', service);
      if (scope) url.searchParams.set('scope', scope);
      if (credentials?.kind === 'basic') {
        url.searchParams.set('account', credentials.username);
        headers['authorization'] = basicHeader(credentials.username, credentials.password);
      }
    }

    const res = await send({ method, url, headers, body, stallMs: this.opts.stallMs, signal: this.opts.signal });
    const status = res.statusCode ?? 0;
    if (status === 401 || status === 403) {
      discard(res);
      throw new RegistryUnauthorizedError(`token service ${url.origin} rejected the ${credentials ? 'credentials' : 'anonymous request'} for ${scope} (HTTP ${status})`);
    }
    if (status < 200 || status >= 300) {
      discard(res);
      throw new RegistryUnavailableError(`token service ${url.origin} answered HTTP ${status}`, { retryable: RETRYABLE_STATUS.has(status) });
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse((await readBody(res, TOKEN_BODY_LIMIT, 'token response')).toString('utf8')) as typeof parsed;
    } catch (err) {
      throw new RegistryUnavailableError(`token service ${url.origin} sent an unreadable response`, { cause: err });
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : '';
    if (!token) throw new RegistryUnavailableError(`token service ${url.origin} sent no token`);
    return { token, expiresIn: typeof parsed.expires_in === 'number' ? parsed.expires_in : undefined };
  }
}
