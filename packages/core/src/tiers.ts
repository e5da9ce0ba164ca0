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
export function effectiveLimits(tier: Limits, overrides: Partial<Record<Window, number | null>>): Limits {
  return {
    minute: overrides.minute ?? tier.minute,
    hour: overrides.hour ?? tier.hour,
    day: overrides.day ?? tier.day,
    month: overrides.month ?? tier.month,
  };
}
