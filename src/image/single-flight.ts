// Deduplicates concurrent work by key: while one call for a key runs, later
// callers for the same key wait for its result instead of starting their own.

export class SingleFlight<K, V> {
  private readonly running = new Map<K, Promise<V>>();

  run(key: K, fn: () => Promise<V>): Promise<V> {
    const existing = this.running.get(key);
    if (existing) return existing;
    // fn starts in a microtask, after the entry exists, even if it throws synchronously.
    const promise: Promise<V> = Promise.resolve()
      .then(fn)
      .finally(() => {
        if (this.running.get(key) === promise) this.running.delete(key);
      });
    this.running.set(key, promise);
    return promise;
  }

  has(key: K): boolean {
    return this.running.has(key);
  }

  keys(): IterableIterator<K> {
    return this.running.keys();
  }
}
