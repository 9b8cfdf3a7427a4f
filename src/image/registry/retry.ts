// Bounded retries with exponential backoff and jitter, for the failures a
// registry or its CDN recovers from: 5xx, 429 and dropped connections.
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrno } from '../../common/errors.js';

export const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_ERRNO = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };

/** Errors worth another attempt. Refused connections and stalls are not: a dead host stays dead for the next second. */
export function isRetryableError(err: unknown): boolean {
  if (isErrno(err) && RETRYABLE_ERRNO.has(err.code!)) return true;
  return (err as { retryable?: boolean } | undefined)?.retryable === true;
}

/** Delay before attempt `attempt` (1-based retry count); a server's Retry-After wins when sooner than the cap. */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  }
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return exp / 2 + Math.random() * (exp / 2);
}

export async function withRetries<T>(policy: RetryPolicy, signal: AbortSignal | undefined, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !isRetryableError(err) || signal?.aborted) throw err;
      const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
      await sleep(backoffDelay(policy, attempt, retryAfter), undefined, { signal });
    }
  }
}
