// Where a repository is fetched from: the configured mirrors in order, then
// the registry itself. Plain HTTP only for loopback hosts, hosts the config
// marks insecure, and mirrors written with `http://`.
import { isIP } from 'node:net';
import type { HuskConfig } from '../../config/config.js';
import { DOCKER_DOMAIN } from '../reference.js';

export interface RegistryEndpoint {
  /** Base URL without the `/v2` suffix, no trailing slash: `https://registry-1.docker.io`. */
  base: string;
  /** The registry name credentials are matched against (`docker.io` for Docker Hub, the mirror's host for a mirror). */
  authHost: string;
  mirror: boolean;
}

const DOCKER_HUB_API = 'registry-1.docker.io';

export function isLoopbackHost(host: string): boolean {
  const hostname = stripPort(host).replace(/^\[|\]$/g, '').toLowerCase();
  if (hostname === 'localhost' || hostname === '::1') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

function plainHttpAllowed(host: string, insecure: readonly string[]): boolean {
  return isLoopbackHost(host) || insecure.includes(host) || insecure.includes(stripPort(host));
}

export function endpointsFor(domain: string, registry: HuskConfig['registry']): RegistryEndpoint[] {
  const out: RegistryEndpoint[] = [];
  for (const raw of registry.mirrors[domain]?.endpoints ?? []) {
    const endpoint = mirrorEndpoint(raw, registry.insecure);
    if (endpoint) out.push(endpoint);
  }
  const apiHost = domain === DOCKER_DOMAIN ? DOCKER_HUB_API : domain;
  const scheme = plainHttpAllowed(domain, registry.insecure) ? 'http' : 'https';
  out.push({ base: `${scheme}://${apiHost}`, authHost: domain, mirror: false });
  return out;
}

function mirrorEndpoint(raw: string, insecure: readonly string[]): RegistryEndpoint | undefined {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `https://${raw}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!hasScheme && plainHttpAllowed(url.host, insecure)) url.protocol = 'http:';
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v2$/, '');
  return { base: `${url.protocol}//${url.host}${path}`, authHost: url.host, mirror: true };
}
