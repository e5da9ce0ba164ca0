// Throttles for the doors that take a password or send a mail, on the same Redis limiter as API
// keys. Sign-in counts failed attempts only, so nobody can lock a user out by trying their
// account: a (account, address) pair that keeps failing is refused for a while, an address that
// fails across many accounts is refused, and an account that fails from many addresses is slowed
// (a growing delay before each answer), never locked.
import { createHash } from "node:crypto";
import { clientAddress, MAX_LIMIT, PEER_HEADER, WINDOWS, type LimitDecision, type Limits, type LimitTarget } from "@keyway/core";

/** Failed sign-ins per window before the pair (account, address) must wait. */
export const SIGN_IN_FAILURES_PER_PAIR: Limits = { minute: 5, hour: 20, day: 100, month: 1_000 };
/** Failed sign-ins from one address, across accounts, before it must wait. */
export const SIGN_IN_FAILURES_PER_IP: Limits = { minute: 20, hour: 200, day: 1_000, month: 10_000 };
/** Failures on one account in an hour after which every attempt on it is slowed. */
export const SLOW_AFTER_ACCOUNT_FAILURES = 10;
export const MAX_DELAY_MS = 5_000;
export const SIGN_UP_PER_IP: Limits = { minute: 5, hour: 20, day: 50, month: 500 };
/** Mails a person can cause to one address (verification, reset): enough to retry, too few to flood an inbox. */
export const MAILS_PER_ADDRESS: Limits = { minute: 3, hour: 10, day: 20, month: 100 };
export const MAIL_REQUESTS_PER_IP: Limits = { minute: 5, hour: 30, day: 100, month: 1_000 };

/** Counting, never refusing: the account's failures are only read to compute the delay. */
const UNLIMITED: Limits = { minute: MAX_LIMIT, hour: MAX_LIMIT, day: MAX_LIMIT, month: MAX_LIMIT };

export class ThrottledError extends Error {
  override name = "ThrottledError";
  constructor(readonly retryAfterS: number) {
    super(`Too many attempts. Try again in ${describeWait(retryAfterS)}.`);
  }
}

export function isThrottled(error: unknown): error is ThrottledError {
  return error instanceof Error && error.name === "ThrottledError";
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}

/** Limiter ids never contain what they count: emails and addresses are hashed. */
function id(kind: string, ...values: string[]): string {
  return `auth:${kind}:${createHash("sha256").update(values.join("\0")).digest("base64url").slice(0, 22)}`;
}

/** The part of the limiter the throttles use: count (check) and look without counting (peek). */
export interface ThrottleLimiter {
  check(target: LimitTarget, cost?: number): Promise<LimitDecision>;
  peek(target: LimitTarget): Promise<LimitDecision>;
}

const normal = (email: string) => email.trim().toLowerCase();

/** The delay before answering an attempt on an account with this many failures in the last hour. */
export function delayFor(accountFailures: number): number {
  if (accountFailures < SLOW_AFTER_ACCOUNT_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, 250 * 2 ** Math.min(10, accountFailures - SLOW_AFTER_ACCOUNT_FAILURES));
}

export function throttleService(limiter: ThrottleLimiter, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {
  const retryS = (d: LimitDecision) => Math.max(1, Math.ceil(d.retryAfterMs / 1000));
  /** Refuses when any of these is already at its limit in some window (counting nothing). */
  async function refuseIfOver(checks: [string, Limits][]): Promise<void> {
    const decisions = await Promise.all(checks.map(([key, limits]) => limiter.peek({ id: key, limits })));
    const waits = decisions.flatMap((d, i) =>
      WINDOWS.filter((w) => d.windows[w].used >= checks[i]![1][w]).map((w) => Math.max(1, Math.ceil((d.windows[w].resetAt - d.now) / 1000))),
    );
    if (waits.length > 0) throw new ThrottledError(Math.max(...waits));
  }
  /** Counts one event in each; refuses when one was over. */
  async function take(checks: [string, Limits][]): Promise<void> {
    const decisions = await Promise.all(checks.map(([key, limits]) => limiter.check({ id: key, limits })));
    const refused = decisions.filter((d) => !d.allowed);
    if (refused.length > 0) throw new ThrottledError(Math.max(...refused.map(retryS)));
  }
  const signInChecks = (email: string, ip: string | null): [string, Limits][] => [
    [id("signin-pair", normal(email), ip ?? ""), SIGN_IN_FAILURES_PER_PAIR],
    ...(ip ? [[id("signin-ip", ip), SIGN_IN_FAILURES_PER_IP] as [string, Limits]] : []),
  ];
  return {
    /**
     * Before a password is checked: refuses a pair or an address that failed too often, and waits
     * the account's progressive delay. Nothing is counted here.
     */
    async beforeSignIn(email: string, ip: string | null): Promise<void> {
      await refuseIfOver(signInChecks(email, ip));
      const account = await limiter.peek({ id: id("signin-account", normal(email)), limits: UNLIMITED });
      const wait = delayFor(account.windows.hour.used);
      if (wait > 0) await sleep(wait);
    },
    /** After a refused password or code: one failure for the pair, the address and the account. */
    async signInFailed(email: string, ip: string | null): Promise<void> {
      await Promise.all([
        ...signInChecks(email, ip).map(([key, limits]) => limiter.check({ id: key, limits })),
        limiter.check({ id: id("signin-account", normal(email)), limits: UNLIMITED }),
      ]);
    },
    signUp(ip: string | null): Promise<void> {
      return ip ? take([[id("signup-ip", ip), SIGN_UP_PER_IP]]) : Promise.resolve();
    },
    /** One mail caused by an unauthenticated request (or a resend): per address mailed and per client. */
    mail(kind: string, to: string, ip: string | null): Promise<void> {
      return take([[id(`mail-${kind}`, normal(to)), MAILS_PER_ADDRESS], ...(ip ? [[id("mail-ip", ip), MAIL_REQUESTS_PER_IP] as [string, Limits]] : [])]);
    },
  };
}
export type ThrottleService = ReturnType<typeof throttleService>;

/** The client's address from the portal's request headers (the peer its server.mjs wrote, and X-Forwarded-For: see clientAddress). */
export function clientOf(header: (name: string) => string | null | undefined, trustedHops: number): string | null {
  return clientAddress(header(PEER_HEADER), header("x-forwarded-for"), trustedHops);
}

