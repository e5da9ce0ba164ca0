// A bounded LRU with per-entry expiry. Holds key records (prefix and hash, never a plaintext key).
export class TtlLru<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A fresh entry, or undefined. An expired entry stays (until evicted) for `stale`. */
  get(key: string): { value: V } | undefined {
    const entry = this.map.get(key);
    if (!entry || entry.expires <= this.clock()) {
      this.misses++;
      return undefined;
    }
    // refresh recency
    this.map.delete(key);
    this.map.set(key, entry);
    this.hits++;
    return entry;
  }

  /** An entry that expired at most `maxStaleMs` ago (or is still fresh): for when the source is down. */
  stale(key: string, maxStaleMs: number): { value: V } | undefined {
    const entry = this.map.get(key);
    return entry && this.clock() - entry.expires <= maxStaleMs ? { value: entry.value } : undefined;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.map.delete(key);
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, expires: this.clock() + ttlMs });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.map) if (predicate(entry.value)) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
