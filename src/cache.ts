// A small in-process cache with a time to live and a size cap, for what one instance may keep for a
// moment: values every instance can read again from PostgreSQL or Teams, never state of its own.
// Each cache is created by the service that owns it (no module-level state); the owner decides what
// may be a little stale and for how long, and forgets an entry when it changes it itself.

export interface TtlCacheOptions {
  ttlMs: number;
  /** Entries kept at most; the oldest written goes first. */
  max: number;
  /** Milliseconds; tests pass their own clock. */
  now?: () => number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The entry, or undefined when absent or expired. */
  get(key: string): { value: V } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
  }

  /** The cached value, or the loaded one (cached only when the load succeeds). */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit) return hit.value;
    const value = await load();
    this.set(key, value);
    return value;
  }

  /**
   * For a cache of promises: the cached one, or the one `start` begins now, shared by every caller
   * until it settles and after; a promise that rejects is forgotten at once.
   */
  share<T>(this: TtlCache<Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
    const hit = this.get(key);
    if (hit) return hit.value;
    const p = start();
    this.set(key, p);
    p.catch(() => {
      if (this.entries.get(key)?.value === p) this.entries.delete(key);
    });
    return p;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
