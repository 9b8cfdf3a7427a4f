// Single-use, expiring tokens for prepared streaming requests, like kubelet's
// request cache: a token is random, works once, and dies after a minute.
import { randomBytes } from 'node:crypto';
import { HuskError } from '../common/errors.js';

export const DEFAULT_TOKEN_TTL_MS = 60_000;
export const DEFAULT_MAX_IN_FLIGHT = 1000;

export interface RequestCacheOptions {
  ttlMs?: number;
  maxInFlight?: number;
  now?: () => number;
}

/** Too many prepared requests waiting to be used; the RPC answers RESOURCE_EXHAUSTED-like Unavailable. */
export class TooManyStreamingRequestsError extends HuskError {
  constructor(max: number) {
    super('Unavailable', `maximum number of in-flight streaming requests (${max}) exceeded`);
  }
}

export class RequestCache<T> {
  // Map iteration order is insertion order, so the oldest entry comes first.
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxInFlight: number;
  private readonly now: () => number;

  constructor(options: RequestCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  insert(value: T): string {
    this.evictExpired();
    if (this.entries.size >= this.maxInFlight) throw new TooManyStreamingRequestsError(this.maxInFlight);
    let token: string;
    do token = randomBytes(8).toString('base64url');
    while (this.entries.has(token));
    this.entries.set(token, { value, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** Returns the request once; a second call, an unknown or an expired token gives undefined. */
  consume(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    return this.now() < entry.expiresAt ? entry.value : undefined;
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [token, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(token);
    }
  }
}
