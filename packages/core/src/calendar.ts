// Every UTC window and period computation in TypeScript, in one place: the local limiter's
// windows, the usage buckets' periods, the charts' steps. (The limit script computes the same in
// Lua, and the flush's SQL with date_trunc on UTC times; change them together.)
import type { Window } from "./tiers.ts";

const SPAN_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The UTC start of the period `ms` falls in. */
export function periodStart(period: Window, ms: number): number {
  if (period === "month") {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  return Math.floor(ms / SPAN_MS[period]) * SPAN_MS[period];
}

/** The UTC start of the period after the one `ms` falls in (when its quota resets). */
export function periodEnd(period: Window, ms: number): number {
  return stepFrom(period, periodStart(period, ms), 1);
}

/** The start of the period `n` periods after (negative: before) the one starting at `start`. */
export function stepFrom(period: Window, start: number, n: number): number {
  if (period === "month") {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
  }
  return start + n * SPAN_MS[period];
}

/**
 * The refill period `ms` falls in, as the limit script numbers it: the UTC day number for a daily
 * refill, year*12+month0 for a monthly one.
 */
export function refillPeriod(interval: "daily" | "monthly", ms: number): number {
  if (interval === "daily") return Math.floor(ms / SPAN_MS.day);
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
