// Bearer tokens by (realm, service, scope, credentials), shared by every pull
// so a burst of pulls from one registry asks the token service once.

interface Entry {
  token: string;
  expiresAt: number;
}

/** Refresh this long before the token service's expiry, so a token never dies mid-request. */
const EXPIRY_MARGIN_MS = 10_000;
/** The distribution token spec's default lifetime when `expires_in` is absent. */
const DEFAULT_LIFETIME_S = 60;
const MAX_ENTRIES = 256;

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  get(key: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: string, expiresInSeconds: number | undefined, now = Date.now()): void {
    const lifetime = (expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds : DEFAULT_LIFETIME_S) * 1000;
    if (this.entries.size >= MAX_ENTRIES) {
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { token, expiresAt: now + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2) });
  }
}
