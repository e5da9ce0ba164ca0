// Rate-limit windows and the plans of the original service.

export const WINDOWS = ["minute", "hour", "day", "month"] as const;
export type Window = (typeof WINDOWS)[number];

/** Requests allowed per window. */
export type Limits = Record<Window, number>;

export const DEFAULT_TIERS = {
  free: { minute: 10, hour: 100, day: 1_000, month: 10_000 },
  pro: { minute: 100, hour: 2_000, day: 25_000, month: 500_000 },
  enterprise: { minute: 1_000, hour: 10_000, day: 100_000, month: 2_000_000 },
} as const satisfies Record<string, Limits>;

/** A key's own overrides win over its owner's tier, window by window. */
/**
 * A key's own limits from its override columns, or null when it has none (only its workspace's
 * plan applies); a window left empty is not limited for the key itself.
 */
export function ownLimits(overrides: Record<Window, number | null>): Limits | null {
  const { minute, hour, day, month } = overrides;
  if (minute === null && hour === null && day === null && month === null) return null;
  return { minute: minute ?? MAX_OWN, hour: hour ?? MAX_OWN, day: day ?? MAX_OWN, month: month ?? MAX_OWN };
}

/** "No limit" in one window of a key's own limits (above any limit a plan may have). */
const MAX_OWN = 1e15;

/** The tighter of two sets of limits, window by window: what a key may do at most. */
export function tighter(a: Limits, b: Limits | null): Limits {
  if (!b) return a;
  return { minute: Math.min(a.minute, b.minute), hour: Math.min(a.hour, b.hour), day: Math.min(a.day, b.day), month: Math.min(a.month, b.month) };
}

export function effectiveLimits(tier: Limits, overrides: Partial<Record<Window, number | null>>): Limits {
  return {
    minute: overrides.minute ?? tier.minute,
    hour: overrides.hour ?? tier.hour,
    day: overrides.day ?? tier.day,
    month: overrides.month ?? tier.month,
  };
}
