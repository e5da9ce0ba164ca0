// The limit script's wire format (lua/limit.ts), named once: what each argument mode means and
// where each number of the reply sits. The script returns one string of numbers joined by ",":
// a header, then one record per request of the call, in order: RECORD.HEAD numbers, then
// SCOPE.SIZE numbers for each of the request's scopes, then one balance per credit pool.
import { WINDOWS, type Limits, type ScopedDecision, type Window, type WindowState } from "@keyway/core";

/** What the script does with a request. */
export const MODE = {
  /** Decide, and count an allowed request in the windows and the usage hash. */
  decide: "0",
  /** Answer as if a request came, writing nothing (the quota view, the sign-in throttle's look). */
  peek: "1",
  /** Add what an instance admitted on its own while Redis was away. */
  writeBack: "2",
} as const;
export type Mode = (typeof MODE)[keyof typeof MODE];

/** The reply's header. */
export const HEADER = { NOW: 0, DAY_RESET: 1, MONTH_RESET: 2, SIZE: 3 } as const;

/**
 * The start of one request's record. BLOCKED_SCOPE: 0 when allowed, else the refusing scope's
 * number from 1. CREDITS: 0 enough, j the credit pool (from 1) that refused, NEEDS_BALANCE when
 * a pool's stored balance must be sent first (nothing was decided or counted).
 */
export const RECORD = { BLOCKED_SCOPE: 0, BLOCKED_WINDOW: 1, RETRY_MS: 2, CREDITS: 3, HEAD: 4 } as const;
export const NEEDS_BALANCE = -1;

/** Offsets within one scope's part of a record. USED is four numbers: minute, hour, day, month. */
export const SCOPE = { USED: 0, MINUTE_RESET: 4, HOUR_RESET: 5, SIZE: 6 } as const;

/** How many numbers the record of a request with `scopes` scopes and `pools` credit pools takes. */
export const recordSize = (scopes: number, pools = 0) => RECORD.HEAD + scopes * SCOPE.SIZE + pools;

/** A credit balance as the script stores it and takes it: "<remaining>:<period>:<version>:<seq>". */
export const formatBalance = (b: { remaining: number; period: number; version: number; seq: number }) => `${b.remaining}:${b.period}:${b.version}:${b.seq}`;
export function parseBalance(text: string | null): { remaining: number; period: number; version: number; seq: number } | null {
  const m = text === null ? null : /^(-?\d+):(\d+):(\d+):(\d+)$/.exec(text);
  return m ? { remaining: Number(m[1]), period: Number(m[2]), version: Number(m[3]), seq: Number(m[4]) } : null;
}

export const parseReply = (text: string): number[] => text.split(",").map(Number);

/** Decodes the record at `at` of a request whose scopes had these limits, in the order sent. */
export function decodeRecord(reply: number[], at: number, limits: Limits[], pools = 0): ScopedDecision {
  const blocked = reply[at + RECORD.BLOCKED_SCOPE]!;
  const refusedBy = reply[at + RECORD.CREDITS]!;
  const windows = limits.map((l, i) => {
    const base = at + RECORD.HEAD + i * SCOPE.SIZE;
    const resets = [reply[base + SCOPE.MINUTE_RESET]!, reply[base + SCOPE.HOUR_RESET]!, reply[HEADER.DAY_RESET]!, reply[HEADER.MONTH_RESET]!];
    const scope = {} as Record<Window, WindowState>;
    WINDOWS.forEach((w, j) => {
      const used = reply[base + SCOPE.USED + j]!;
      scope[w] = { limit: l[w], used, remaining: Math.max(0, l[w] - used), resetAt: resets[j]! };
    });
    return scope;
  });
  const credits = pools === 0 ? undefined : { balances: reply.slice(at + RECORD.HEAD + limits.length * SCOPE.SIZE, at + recordSize(limits.length, pools)), refused: refusedBy - 1 };
  return {
    blockedScope: blocked - 1,
    blockedBy: blocked > 0 ? WINDOWS[reply[at + RECORD.BLOCKED_WINDOW]! - 1]! : null,
    retryAfterMs: blocked === 0 && refusedBy <= 0 ? 0 : reply[at + RECORD.RETRY_MS]!,
    windows,
    now: reply[HEADER.NOW]!,
    credits,
  };
}
