// One HTTP(S) request to a registry, with keep-alive agents, the system CA
// bundle, and a stall guard: the request fails when no bytes arrive for
// `stallMs` while we are waiting for them (a paused consumer is not a stall).
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { RegistryStallError, RegistryUnavailableError } from '../errors.js';
import { HuskError } from '../../common/errors.js';
import { isRetryableError } from './retry.js';

export interface SendOptions {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers: OutgoingHttpHeaders;
  body?: string;
  stallMs: number;
  signal?: AbortSignal;
}

const SYSTEM_CA_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

let agents: { http: http.Agent; https: https.Agent } | undefined;

/** Node ships its own CA list; registries behind a corporate CA need the system's too. */
function systemCertificates(): string[] {
  for (const path of SYSTEM_CA_BUNDLES) {
    try {
      return [readFileSync(path, 'utf8')];
    } catch {
      // try the next location
    }
  }
  return [];
}

function agentsFor(): { http: http.Agent; https: https.Agent } {
  agents ??= {
    http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16, ca: [...tls.rootCertificates, ...systemCertificates()] }),
  };
  return agents;
}

export function send(opts: SendOptions): Promise<IncomingMessage> {
  const secure = opts.url.protocol === 'https:';
  const { http: httpAgent, https: httpsAgent } = agentsFor();
  const lib = secure ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(opts.url, {
      method: opts.method,
      headers: opts.headers,
      agent: secure ? httpsAgent : httpAgent,
      signal: opts.signal,
    });
    const what = `${opts.method} ${opts.url.origin}${opts.url.pathname}`;
    const stalled = () => new RegistryStallError(`${what}: no data from the registry for ${opts.stallMs / 1000}s`);
    let timer: NodeJS.Timeout | undefined = setTimeout(() => req.destroy(stalled()), opts.stallMs);
    const clear = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    req.on('error', (err) => {
      clear();
      reject(unreachable(err, what));
    });
    req.on('response', (res) => {
      clear();
      guardBody(res, opts.stallMs, () => res.destroy(stalled()));
      resolve(res);
    });
    req.end(opts.body);
  });
}

/**
 * A DNS or socket failure (ENOTFOUND, ECONNREFUSED...) means the registry
 * cannot be reached: UNAVAILABLE to the client, not INTERNAL. Whether it is
 * worth another attempt is decided as for the raw error.
 */
function unreachable(err: NodeJS.ErrnoException, what: string): Error {
  if (err instanceof HuskError || !err.code || err.name === 'AbortError') return err;
  return new RegistryUnavailableError(`${what}: ${err.message}`, { retryable: isRetryableError(err), cause: err });
}

function guardBody(res: IncomingMessage, stallMs: number, onStall: () => void): void {
  // Counting bytes on the socket, not 'data' events: listening for 'data' would switch the stream to flowing mode.
  const socket = res.socket;
  let seen = socket.bytesRead;
  let lastProgress = Date.now();
  const timer = setInterval(() => {
    const now = socket.bytesRead;
    // A full buffer means the consumer is pausing us for backpressure: our side is slow, not the server.
    if (now !== seen || res.readableLength >= res.readableHighWaterMark) {
      seen = now;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress >= stallMs) {
      clearInterval(timer);
      onStall();
    }
  }, Math.max(50, Math.min(1000, stallMs / 4)));
  const stop = () => clearInterval(timer);
  res.once('end', stop);
  res.once('close', stop);
  res.once('error', stop);
}
