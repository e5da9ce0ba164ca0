// What a rate-limit check answers, and how that becomes HTTP headers.
import { WINDOWS, type Limits, type Window } from "./tiers.ts";

export interface WindowState {
  limit: number;
  /** Requests counted in the window, including this one when it was allowed. */
  used: number;
  remaining: number;
  /** When the window's count is back to zero (epoch ms): the calendar reset for day and month. */
  resetAt: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** The window that refused the request (the one with the longest wait when several do). */
  blockedBy: Window | null;
  /** How long until a request of the same cost would fit (ms); 0 when allowed. */
  retryAfterMs: number;
  windows: Record<Window, WindowState>;
  /** The instant the decision was made (Redis time). */
  now: number;
  /** True when Redis could not be asked and the local fallback decided. */
  degraded: boolean;
}

/** The rate limiter port: every window checked and, if all allow, counted — atomically. */
/** Requests of one key in one period, by outcome (Redis's live counts and PostgreSQL's buckets alike). */
export interface UsageCounts {
  allowed: number;
  rateLimited: number;
  successful: number;
  failed: number;
}

/** The highest limit a tier or a key may have in any window (it fits the database's int columns). */
export const MAX_LIMIT = 1_000_000_000;

export interface Limiter {
  check(keyId: string, limits: Limits, cost?: number): Promise<LimitDecision>;
  /** Drop anything cached for these keys (after a limit change). */
  forget?(keyIds: string[] | "all"): void;
}

/** By name, not instanceof: bundlers may load this module more than once in one process. */
export function isLimiterUnavailable(error: unknown): error is LimiterUnavailableError {
  return error instanceof Error && error.name === "LimiterUnavailableError";
}

/** Thrown by a limiter whose failure policy is to fail closed while Redis is unavailable. */
export class LimiterUnavailableError extends Error {
  override name = "LimiterUnavailableError";
  constructor(readonly retryAfterMs = 1_000) {
    super("rate limiter unavailable");
  }
}

const WINDOW_SECONDS: Record<Window, number> = { minute: 60, hour: 3_600, day: 86_400, month: 2_592_000 };

/** The window to report in the single-window headers: the refusing one, else the one with least room. */
export function tightestWindow(decision: LimitDecision): Window {
  if (decision.blockedBy) return decision.blockedBy;
  let best: Window = "minute";
  for (const w of WINDOWS) {
    const s = decision.windows[w];
    const b = decision.windows[best];
    if (s.remaining / s.limit < b.remaining / b.limit) best = w;
  }
  return best;
}

/**
 * IETF draft httpapi-ratelimit-headers (RateLimit-Policy, RateLimit) plus the de-facto
 * X-RateLimit-* of the tightest window and Retry-After on refusal.
 */
export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  const w = tightestWindow(decision);
  const state = decision.windows[w];
  const resetSeconds = Math.max(0, Math.ceil((state.resetAt - decision.now) / 1000));
  const headers: Record<string, string> = {
    "RateLimit-Policy": WINDOWS.map((x) => `"${x}";q=${decision.windows[x].limit};w=${WINDOW_SECONDS[x]}`).join(", "),
    RateLimit: `"${w}";r=${state.remaining};t=${resetSeconds}`,
    "X-RateLimit-Limit": String(state.limit),
    "X-RateLimit-Remaining": String(state.remaining),
    "X-RateLimit-Reset": String(Math.ceil(state.resetAt / 1000)),
  };
  if (!decision.allowed) headers["Retry-After"] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  if (decision.degraded) headers["X-RateLimit-Degraded"] = "local";
  return headers;
}
