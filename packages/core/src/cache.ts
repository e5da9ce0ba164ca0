// A bounded, approximately-LRU cache with per-entry expiry. Holds key records (prefix and hash,
// never a plaintext key).
//
// Two generations (quick-lru's scheme): a hit in `recent` changes nothing, so the usual request
// costs one Map lookup and no write; an entry found in `older` moves to `recent`. When `recent`
// reaches half the bound it becomes `older`, and the previous `older` (entries nobody asked for
// during a whole generation) is dropped. A strict LRU's delete-and-reinsert on every hit made the
// Map rehash itself every few thousand requests.
interface Entry<V> {
  value: V;
  expires: number;
}

export class TtlLru<V> {
  private recent = new Map<string, Entry<V>>();
  private older = new Map<string, Entry<V>>();
  private readonly half: number;
  hits = 0;
  misses = 0;

  constructor(
    maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.half = Math.max(1, Math.floor(maxEntries / 2));
  }

  private put(key: string, entry: Entry<V>): void {
    this.recent.set(key, entry);
    if (this.recent.size >= this.half) {
      this.older = this.recent;
      this.recent = new Map();
    }
  }

  /** A fresh entry, or undefined. An expired entry stays (until evicted) for `stale`. */
  get(key: string): { value: V } | undefined {
    let entry = this.recent.get(key);
    if (!entry) {
      entry = this.older.get(key);
      if (entry) {
        this.older.delete(key);
        this.put(key, entry);
      }
    }
    if (!entry || entry.expires <= this.clock()) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry;
  }

  /** An entry that expired at most `maxStaleMs` ago (or is still fresh): for when the source is down. */
  stale(key: string, maxStaleMs: number): { value: V } | undefined {
    const entry = this.recent.get(key) ?? this.older.get(key);
    return entry && this.clock() - entry.expires <= maxStaleMs ? { value: entry.value } : undefined;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.older.delete(key);
    this.put(key, { value, expires: this.clock() + ttlMs });
  }

  delete(key: string): void {
    this.recent.delete(key);
    this.older.delete(key);
  }

  deleteWhere(predicate: (value: V) => boolean): void {
    for (const map of [this.recent, this.older]) {
      for (const [key, entry] of map) if (predicate(entry.value)) map.delete(key);
    }
  }

  clear(): void {
    this.recent.clear();
    this.older.clear();
  }

  get size(): number {
    return this.recent.size + this.older.size;
  }
}
