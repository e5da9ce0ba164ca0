// The degraded-mode limiter: used only while Redis cannot be asked, and always marked degraded.
// Each instance enforces limit / instances with fixed windows on its own clock, so N instances
// together stay near the real limit. It is declared, measured and visible; never silent.
// A scope (a key's own limits, or a workspace's plan) Redis answered for shortly before starts from
// that answer: each instance may admit its share of what Redis had left (not a full
// limit / instances on top of what was already used). A request is counted in all of its scopes or
// in none, as the script does.
import { periodEnd, periodStart } from "./calendar.ts";
import type { ScopedDecision, WindowState } from "./limits.ts";
import { WINDOWS, type Limits, type Window } from "./tiers.ts";

interface Counter {
  start: number;
  count: number;
}

/** Numbers kept per key of the last Redis answer: its time, then used in each window. */
const SEEN = 1 + WINDOWS.length;
const SLIDING_MS: Partial<Record<Window, number>> = { minute: 60_000, hour: 3_600_000 };

export class LocalLimiter {
  private counters = new Map<string, Record<Window, Counter>>();
  /**
   * What each key was admitted (cost) since the last drain, for the write-back to Redis. Kept when
   * the key's counters are evicted (up to ten times maxKeys keys), so what was admitted still
   * reaches Redis and the key, back in use, starts from it.
   */
  private admitted = new Map<string, number>();
  /**
   * The last Redis answer of up to maxKeys keys, one slot each in one typed array (written on
   * every request: no allocation); slots are reused in turn, the oldest key losing its own.
   */
  private readonly slots = new Map<string, number>();
  private readonly owners: (string | undefined)[];
  private readonly seen: Float64Array;
  private nextSlot = 0;

  constructor(
    private readonly instances: number,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    this.owners = new Array<string | undefined>(maxKeys);
    this.seen = new Float64Array(maxKeys * SEEN);
  }

  /** Remembers what Redis answered for a scope (its counts, at its time). */
  observe(id: string, windows: Record<Window, WindowState>, now: number): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.nextSlot;
      this.nextSlot = (slot + 1) % this.maxKeys;
      const previous = this.owners[slot];
      if (previous !== undefined) this.slots.delete(previous);
      this.owners[slot] = id;
      this.slots.set(id, slot);
    }
    const at = slot * SEEN;
    this.seen[at] = now;
    for (let i = 0; i < WINDOWS.length; i++) this.seen[at + 1 + i] = windows[WINDOWS[i]!].used;
  }

  /**
   * Where a key's local count starts in the window beginning at `start`: so that what is left
   * locally is this instance's share of what Redis had left, when Redis's answer still applies
   * (a sliding window's count less than a window old, a calendar window's from the same period).
   */
  private startCount(keyId: string, limits: Limits, w: Window, now: number, start: number): number {
    const slot = this.slots.get(keyId);
    if (slot === undefined) return 0;
    const at = this.seen[slot * SEEN]!;
    const sliding = SLIDING_MS[w];
    if (sliding ? now - at >= sliding : at < start) return 0;
    const left = Math.max(0, limits[w] - this.seen[slot * SEEN + 1 + WINDOWS.indexOf(w)]!);
    return Math.max(0, this.localLimit(limits, w) - Math.floor(left / this.instances));
  }

  private windowOf(w: Window, now: number): { start: number; end: number } {
    return { start: periodStart(w, now), end: periodEnd(w, now) };
  }


  /** A scope's counters in this instance, made on first use from what Redis last said of it. */
  private entryOf(id: string, limits: Limits, now: number): Record<Window, Counter> {
    let entry = this.counters.get(id);
    if (entry) return entry;
    if (this.counters.size >= this.maxKeys) this.counters.delete(this.counters.keys().next().value as string);
    // Evicted earlier in this outage: its admissions count in every window (erring low, if
    // some were in an earlier window).
    const before = this.admitted.get(id) ?? 0;
    entry = Object.fromEntries(
      WINDOWS.map((w) => {
        const start = this.windowOf(w, now).start;
        return [w, { start, count: Math.max(before, this.startCount(id, limits, w, now, start)) }];
      }),
    ) as Record<Window, Counter>;
    this.counters.set(id, entry);
    return entry;
  }

  /** Decides a request against every scope given (id and limits), counting it in all of them only if all allow. */
  check(scopes: { id: string; limits: Limits }[], cost = 1): ScopedDecision {
    const now = this.clock();
    // a cost of 0 asks whether a request would be admitted, counting nothing (as the script does)
    const needed = Math.max(cost, 1);
    const entries = scopes.map((s) => this.entryOf(s.id, s.limits, now));
    let blockedScope = -1;
    let blockedBy: Window | null = null;
    let retryAfterMs = 0;
    const windows = scopes.map((scope, i) => {
      const out = {} as Record<Window, WindowState>;
      for (const w of WINDOWS) {
        const { start, end } = this.windowOf(w, now);
        const counter = entries[i]![w];
        if (counter.start !== start) Object.assign(counter, { start, count: 0 });
        const limit = this.localLimit(scope.limits, w);
        if (counter.count + needed > limit && end - now > retryAfterMs) {
          blockedScope = i;
          blockedBy = w;
          retryAfterMs = end - now;
        }
        out[w] = { limit, used: counter.count, remaining: 0, resetAt: end };
      }
      return out;
    });
    scopes.forEach((scope, i) => {
      for (const w of WINDOWS) {
        if (blockedScope < 0) {
          entries[i]![w].count += cost;
          windows[i]![w].used = entries[i]![w].count;
        }
        windows[i]![w].remaining = Math.max(0, windows[i]![w].limit - windows[i]![w].used);
      }
      if (blockedScope < 0 && cost > 0) {
        const soFar = this.admitted.get(scope.id);
        if (soFar === undefined && this.admitted.size >= this.maxKeys * 10) this.admitted.delete(this.admitted.keys().next().value as string);
        this.admitted.set(scope.id, (soFar ?? 0) + cost);
      }
    });
    return { blockedScope, blockedBy, retryAfterMs, windows, now };
  }

  private localLimit(limits: Limits, w: Window): number {
    return Math.max(1, Math.floor(limits[w] / this.instances));
  }

  /** Each scope's admissions since the last drain; forgets them and every local count. */
  drain(): Map<string, number> {
    const admitted = this.admitted;
    this.admitted = new Map();
    this.counters.clear();
    return admitted;
  }

  clear(): void {
    this.counters.clear();
    this.admitted.clear();
  }
}
