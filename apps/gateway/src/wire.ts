// Verify results as they travel over HTTP (the SDK's VerifyResponse): one place for codes,
// messages and headers.
import { rateLimitHeaders, type LimitDecision, type VerifyResult, type Window, type WindowState } from "@keyway/core";
import type { VerifiedKey, VerifyResponse } from "@keyway/protocol";

const MESSAGES = {
  MISSING_KEY: "Send an API key in the Authorization: Bearer header or in X-API-Key.",
  MALFORMED: "That is not a Keyway API key (wrong format or checksum).",
  INVALID_KEY: "This API key is not valid.",
  REVOKED: "This API key has been revoked.",
  EXPIRED: "This API key has expired.",
  DISABLED_USER: "The account that owns this API key is disabled.",
  IP_NOT_ALLOWED: "This API key may not be used from this address: it is not on the key's IP allowlist.",
} as const;

const left = (w: Record<Window, WindowState>) => ({ minute: w.minute.remaining, hour: w.hour.remaining, day: w.day.remaining, month: w.month.remaining });

/**
 * Both scopes' remaining (every key has a workspace). A refused workspace's answer from the negative
 * cache does not know the key's own: null then, as for a key without limits of its own.
 */
function remainingOf(ratelimit: LimitDecision): VerifiedKey["remaining"] {
  const { key, workspace } = ratelimit.scopes;
  return { workspace: left(workspace!), key: key ? left(key) : null };
}

/** The smaller balance left of the key's and its workspace's (null when neither has one). */
function creditsOf(ratelimit: LimitDecision): number | null {
  const { key, workspace } = ratelimit.credits;
  if (key === undefined) return workspace ?? null;
  return workspace === undefined ? key : Math.min(key, workspace);
}

export function toWire(result: VerifyResult): VerifyResponse {
  if (result.valid) {
    // every field named (not a rest/spread copy): this runs for every request
    const { keyId, ownerId, prefix, tier, workspace, limits, metadata, environment, permissions, ratelimit } = result;
    return {
      valid: true, keyId, ownerId, prefix, tier, workspace, limits, metadata, environment, permissions,
      credits: creditsOf(ratelimit), remaining: remainingOf(ratelimit), degraded: ratelimit.degraded, headers: rateLimitHeaders(ratelimit),
    };
  }
  if (result.code === "INSUFFICIENT_PERMISSIONS") {
    return { valid: false, code: result.code, missing: result.missing, message: `This API key lacks the permissions the request needs: ${result.missing}.` };
  }
  if (result.code === "USAGE_EXCEEDED") {
    const { ratelimit, code, valid, ...key } = result;
    const scope = ratelimit.outOfCredits!;
    const refill = ratelimit.retryAfterMs > 0 ? ` They are topped up at ${new Date(ratelimit.now + ratelimit.retryAfterMs).toISOString()}.` : "";
    return {
      ...key,
      valid,
      code,
      scope,
      credits: 0,
      remaining: remainingOf(ratelimit),
      message: `${scope === "workspace" ? `The workspace (${key.workspace.name}) has` : "This API key has"} too few credits left for this request.${refill}`,
      headers: ratelimit.retryAfterMs > 0 ? { "Retry-After": String(Math.ceil(ratelimit.retryAfterMs / 1000)) } : {},
    };
  }
  if (result.code === "RATE_LIMITED") {
    const { ratelimit, code, valid, ...key } = result;
    const period = ratelimit.blockedBy ?? "minute";
    const seconds = Math.max(1, Math.ceil(ratelimit.retryAfterMs / 1000));
    const whose = ratelimit.scope === "workspace" ? `the workspace's plan (${key.workspace.name})` : "this key";
    return {
      ...key,
      valid,
      code,
      period,
      scope: ratelimit.scope,
      remaining: remainingOf(ratelimit),
      credits: creditsOf(ratelimit),
      message: `Rate limit of ${ratelimit.windows[period].limit} requests per ${period} reached for ${whose}. Retry in ${seconds} s.`,
      headers: rateLimitHeaders(ratelimit),
    };
  }
  return { valid: false, code: result.code, message: MESSAGES[result.code] };
}

export function unavailable(retryAfterMs: number, what: string): VerifyResponse {
  return {
    valid: false,
    code: "SERVICE_UNAVAILABLE",
    message: `${what} is unavailable; try again shortly.`,
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  };
}
