// Throttles for the unauthenticated doors (sign-in, sign-up), on the same Redis limiter as API
// keys: per account and per client address, so neither guessing one password from many addresses
// nor trying many accounts from one address gets far.
import { createHash } from "node:crypto";
import type { Limiter, Limits } from "@keyway/core";

/** Attempts per window. Generous for a person who mistypes, tight for a script. */
export const SIGN_IN_PER_ACCOUNT: Limits = { minute: 5, hour: 30, day: 100, month: 1_000 };
export const SIGN_IN_PER_IP: Limits = { minute: 20, hour: 200, day: 1_000, month: 10_000 };
export const SIGN_UP_PER_IP: Limits = { minute: 5, hour: 20, day: 50, month: 500 };

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
function id(kind: string, value: string): string {
  return `auth:${kind}:${createHash("sha256").update(value).digest("base64url").slice(0, 22)}`;
}

export function throttleService(limiter: Limiter) {
  async function take(checks: [string, Limits][]): Promise<void> {
    const decisions = await Promise.all(checks.map(([key, limits]) => limiter.check(key, limits)));
    const refused = decisions.filter((d) => !d.allowed);
    if (refused.length > 0) throw new ThrottledError(Math.max(1, ...refused.map((d) => Math.ceil(d.retryAfterMs / 1000))));
  }
  return {
    /** Counts one sign-in attempt; throws ThrottledError when the account or the address is over. */
    signIn(email: string, ip: string | null): Promise<void> {
      const checks: [string, Limits][] = [[id("signin-account", email.trim().toLowerCase()), SIGN_IN_PER_ACCOUNT]];
      if (ip) checks.push([id("signin-ip", ip), SIGN_IN_PER_IP]);
      return take(checks);
    },
    signUp(ip: string | null): Promise<void> {
      return ip ? take([[id("signup-ip", ip), SIGN_UP_PER_IP]]) : Promise.resolve();
    },
  };
}
export type ThrottleService = ReturnType<typeof throttleService>;

/**
 * The client's address as the nearest proxy saw it: the last X-Forwarded-For entry (Next.js sets
 * the header to the socket address when no proxy did), else X-Real-IP.
 */
export function clientAddress(header: (name: string) => string | null | undefined): string | null {
  const forwarded = header("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  const ip = last || header("x-real-ip")?.trim() || null;
  return ip ? ip.slice(0, 64) : null;
}
