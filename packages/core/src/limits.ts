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

/** What a limit counts: one key's own requests, or all of its workspace's keys' together. */
export type LimitScope = "key" | "workspace";

export interface LimitDecision {
  allowed: boolean;
  /** The window that refused the request (the one with the longest wait when several do). */
  blockedBy: Window | null;
  /** How long until a request of the same cost would fit (ms); 0 when allowed. */
  retryAfterMs: number;
  /** The scope that binds: the one that refused, else the one of the window with least room left. */
  scope: LimitScope;
  /** Per window, the scope's state with less left: what the rate-limit headers describe. */
  windows: Record<Window, WindowState>;
  /** Every scope the request was counted against, with its windows. */
  scopes: Partial<Record<LimitScope, Record<Window, WindowState>>>;
  /** The instant the decision was made (Redis time). */
  now: number;
  /** True when Redis could not be asked and the local fallback decided. */
  degraded: boolean;
  /** Each credit pool's balance after this request (none when the target has no credits). */
  credits: Partial<Record<LimitScope, number>>;
  /** The pool whose balance was too small (the request is USAGE_EXCEEDED, not rate-limited), or null. */
  outOfCredits: LimitScope | null;
}

/**
 * A decision over several scopes, in the order they were asked (what the limit script and the
 * local fallback answer; the limiter names the scopes).
 */
export interface ScopedDecision {
  /** Index of the refusing scope (the one with the longest wait when several refuse), or -1. */
  blockedScope: number;
  blockedBy: Window | null;
  retryAfterMs: number;
  windows: Record<Window, WindowState>[];
  now: number;
  /** The credit pools' balances after the request, in the order asked, and the index of the one that refused it (-1: none). */
  credits?: { balances: number[]; refused: number };
}

/** Requests of one key in one period, by outcome (Redis's live counts and PostgreSQL's buckets alike). */
export interface UsageCounts {
  allowed: number;
  rateLimited: number;
  successful: number;
  failed: number;
}

/** The highest limit a tier or a key may have in any window (it fits the database's int columns). */
export const MAX_LIMIT = 1_000_000_000;

/** What one request is counted against. */
export interface LimitTarget {
  /** An API key's id (or a throttle's name). */
  id: string;
  /** Its own limits; null when only its workspace's apply. */
  limits: Limits | null;
  /** The workspace whose plan all of its keys share. */
  workspace?: { id: string; limits: Limits };
  /** Credit balances each admitted request's cost is taken from (the key's own, its workspace's). */
  credits?: CreditPool[];
}

/** A credit balance: a key's own, or its workspace's (shared by its keys). */
export interface CreditPool {
  scope: LimitScope;
  /** The key's or the workspace's id. */
  id: string;
  /** The stored balance's version: Redis takes the stored balance again when it holds an older one. */
  version: number;
  /** Each refill sets the balance to `amount`: daily at 00:00 UTC or monthly on the 1st. */
  refill: { amount: number; interval: "daily" | "monthly" } | null;
}

/** A balance as PostgreSQL holds it: what Redis starts from when it has none (after a restart). */
export interface StoredBalance {
  remaining: number;
  /** The refill period it belongs to (UTC day number, or year*12+month0; 0 without refill). */
  period: number;
  version: number;
  /** How many changes of the live balance it includes. */
  seq: number;
}

/** Where the limiter reads stored balances (the key store implements it). */
export interface CreditStore {
  /** The stored balance of each pool, in the same order; null for a pool that no longer has one. */
  storedBalances(pools: CreditPool[]): Promise<(StoredBalance | null)[]>;
}

/**
 * What a key's recent verifications record about a request besides the decision (each key's page
 * lists its last ones, so a developer can see why a request was refused).
 */
export interface RequestTrace {
  /** The client's address, when the caller knows it. */
  ip?: string | null;
}

export interface Limiter {
  /**
   * Every window of every scope of the target checked and, if all allow, counted: atomically.
   * With a trace, the decision also goes to the key's recent verifications.
   */
  check(target: LimitTarget, cost?: number, trace?: RequestTrace): Promise<LimitDecision>;
  /** Records a request refused before any limit was checked (a revoked or expired key) in its recent verifications. */
  refused?(target: LimitTarget, code: string, trace: RequestTrace): void;
  /** Drop anything cached for these keys and workspaces (after a limit change). */
  forget?(ids: string[] | "all"): void;
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

/** The window of these with the least room left (as a share of its limit). */
function leastRoom(windows: Record<Window, WindowState>): Window {
  let best: Window = "minute";
  for (const w of WINDOWS) {
    const s = windows[w];
    const b = windows[best];
    if (s.remaining / s.limit < b.remaining / b.limit) best = w;
  }
  return best;
}

/** The window to report in the single-window headers: the refusing one, else the one with least room. */
export function tightestWindow(decision: LimitDecision): Window {
  return decision.blockedBy ?? leastRoom(decision.windows);
}

/**
 * The limit that binds, from every scope's windows: per window the scope with less left (the
 * refusing scope's for the refusing window), and the scope of the window with least room (or the
 * refusing one). What the headers describe: each window's real limit, never a window a key leaves
 * to its workspace.
 */
export function binding(
  scopes: Partial<Record<LimitScope, Record<Window, WindowState>>>,
  refused: { scope: LimitScope; window: Window } | null,
): { scope: LimitScope; windows: Record<Window, WindowState> } {
  const { key, workspace } = scopes;
  if (!key || !workspace) return { scope: key ? "key" : "workspace", windows: (key ?? workspace)! };
  const windows = {} as Record<Window, WindowState>;
  for (const w of WINDOWS) windows[w] = key[w].remaining < workspace[w].remaining ? key[w] : workspace[w];
  if (refused) {
    windows[refused.window] = scopes[refused.scope]![refused.window];
    return { scope: refused.scope, windows };
  }
  const tightest = leastRoom(windows);
  return { scope: windows[tightest] === key[tightest] ? "key" : "workspace", windows };
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
