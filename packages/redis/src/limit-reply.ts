// The limit script's wire format (lua/limit.ts), named once: what each argument mode means and
// where each number of the reply sits. The script returns one string of numbers joined by ",":
// a header, then one record of RECORD.SIZE numbers per request of the call, in order.
import { WINDOWS, type Limits, type LimitDecision, type Window, type WindowState } from "@keyway/core";

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

/** Offsets within one request's record. USED is four numbers: minute, hour, day, month. */
export const RECORD = { BLOCKED: 0, RETRY_MS: 1, USED: 2, MINUTE_RESET: 6, HOUR_RESET: 7, SIZE: 8 } as const;

/** Where the record of the nth request of a call begins. */
export const recordAt = (n: number) => HEADER.SIZE + n * RECORD.SIZE;

export const parseReply = (text: string): number[] => text.split(",").map(Number);

/** One request's decision. BLOCKED is 0 when allowed, else the refusing window's index + 1. */
export function decodeDecision(reply: number[], at: number, limits: Limits): LimitDecision {
  const blocked = reply[at + RECORD.BLOCKED]!;
  const resets = [reply[at + RECORD.MINUTE_RESET]!, reply[at + RECORD.HOUR_RESET]!, reply[HEADER.DAY_RESET]!, reply[HEADER.MONTH_RESET]!];
  const windows = {} as Record<Window, WindowState>;
  WINDOWS.forEach((w, i) => {
    const used = reply[at + RECORD.USED + i]!;
    windows[w] = { limit: limits[w], used, remaining: Math.max(0, limits[w] - used), resetAt: resets[i]! };
  });
  return {
    allowed: blocked === 0,
    blockedBy: blocked > 0 ? WINDOWS[blocked - 1]! : null,
    retryAfterMs: blocked === 0 ? 0 : reply[at + RECORD.RETRY_MS]!,
    windows,
    now: reply[HEADER.NOW]!,
    degraded: false,
  };
}
