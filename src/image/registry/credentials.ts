// Credentials from the kubelet's AuthConfig (PullImageRequest.auth), in the
// form the auth flows need.
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../common/errors.js';

export interface AuthConfigInput {
  username?: string;
  password?: string;
  /** base64("username:password") */
  auth?: string;
  server_address?: string;
  /** An OAuth2 refresh token for the registry's token service. */
  identity_token?: string;
  /** A bearer token sent to the registry as is. */
  registry_token?: string;
}

export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'refresh'; username: string; refreshToken: string }
  | { kind: 'bearer'; token: string };

export interface ScopedCredentials {
  credentials: Credentials;
  /** Host (host[:port]) the credentials are for; undefined means every endpoint of the pull. */
  host?: string;
}

/** Undefined when the AuthConfig carries nothing usable (kubelet sends an empty one). */
export function credentialsFromAuthConfig(auth: AuthConfigInput | null | undefined): ScopedCredentials | undefined {
  if (!auth) return undefined;
  const host = auth.server_address ? hostOfServerAddress(auth.server_address) : undefined;
  const scoped = (credentials: Credentials): ScopedCredentials => (host ? { credentials, host } : { credentials });
  if (auth.registry_token) return scoped({ kind: 'bearer', token: auth.registry_token });
  let username = auth.username ?? '';
  let password = auth.password ?? '';
  if (auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidArgumentError('auth.auth', 'must be base64 of "username:password"');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (auth.identity_token) return scoped({ kind: 'refresh', username, refreshToken: auth.identity_token });
  if (username || password) return scoped({ kind: 'basic', username, password });
  return undefined;
}

/** `https://index.docker.io/v1/`, `registry.example.com:5000`, `http://host/` → the host[:port] they name. */
export function hostOfServerAddress(address: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `https://${address}`;
  let host: string;
  try {
    host = new URL(withScheme).host;
  } catch {
    return address;
  }
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** A stable key for caches; never the secret itself. */
export function credentialsKey(c: Credentials | undefined): string {
  if (!c) return 'anonymous';
  const secret = c.kind === 'basic' ? `${c.username}:${c.password}` : c.kind === 'refresh' ? `${c.username}:${c.refreshToken}` : c.token;
  return `${c.kind}:${createHash('sha256').update(secret).digest('hex').slice(0, 32)}`;
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
