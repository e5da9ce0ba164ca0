// The degraded-mode limiter: used only while Redis cannot be asked, and always marked degraded.
// Each instance enforces limit / instances with fixed windows on its own clock, so N instances
// together stay near the real limit. It is declared, measured and visible; never silent.
import { nextDayStart, nextMonthStart } from "./calendar.ts";
import type { LimitDecision, WindowState } from "./limits.ts";
import { WINDOWS, type Limits, type Window } from "./tiers.ts";

interface Counter {
  start: number;
  count: number;
}

export class LocalLimiter {
  private counters = new Map<string, Record<Window, Counter>>();
  /** What each key was admitted (cost) since the last drain, for the write-back to Redis. */
  private admitted = new Map<string, number>();

  constructor(
    private readonly instances: number,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  private windowOf(w: Window, now: number): { start: number; end: number } {
    switch (w) {
      case "minute":
        return { start: Math.floor(now / 60_000) * 60_000, end: Math.floor(now / 60_000) * 60_000 + 60_000 };
      case "hour":
        return { start: Math.floor(now / 3_600_000) * 3_600_000, end: Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000 };
      case "day":
        return { start: nextDayStart(now) - 86_400_000, end: nextDayStart(now) };
      case "month": {
        const end = nextMonthStart(now);
        const d = new Date(now);
        return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end };
      }
    }
  }

  check(keyId: string, limits: Limits, cost = 1): LimitDecision {
    const now = this.clock();
    let entry = this.counters.get(keyId);
    if (!entry) {
      if (this.counters.size >= this.maxKeys) {
        const oldest = this.counters.keys().next().value as string;
        this.counters.delete(oldest);
        this.admitted.delete(oldest);
      }
      entry = Object.fromEntries(WINDOWS.map((w) => [w, { start: 0, count: 0 }])) as Record<Window, Counter>;
      this.counters.set(keyId, entry);
    }
    const windows = {} as Record<Window, WindowState>;
    let blockedBy: Window | null = null;
    let retryAfterMs = 0;
    for (const w of WINDOWS) {
      const { start, end } = this.windowOf(w, now);
      const counter = entry[w];
      if (counter.start !== start) Object.assign(counter, { start, count: 0 });
      const limit = Math.max(1, Math.floor(limits[w] / this.instances));
      if (counter.count + cost > limit && end - now > retryAfterMs) {
        blockedBy = w;
        retryAfterMs = end - now;
      }
      windows[w] = { limit, used: counter.count, remaining: 0, resetAt: end };
    }
    for (const w of WINDOWS) {
      if (!blockedBy) {
        entry[w].count += cost;
        windows[w].used = entry[w].count;
      }
      windows[w].remaining = Math.max(0, windows[w].limit - windows[w].used);
    }
    if (!blockedBy) this.admitted.set(keyId, (this.admitted.get(keyId) ?? 0) + cost);
    return { allowed: blockedBy === null, blockedBy, retryAfterMs, windows, now, degraded: true };
  }

  /** Each key's admissions since the last drain; forgets them and every local count. */
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
