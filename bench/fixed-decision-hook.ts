// Preloaded into the API server by `BENCH_LIMITER=fixed pnpm bench:http`, a diagnostic: every
// rate-limit check answers "allowed, one used in each window" at once, without Redis. The rest of
// the request path (HTTP, key cache, hashing, headers, outcome counting) is unchanged, so the run
// shows what part of the latency and CPU the limiter's Redis call is. Never a result in itself.
import { RedisLimiter } from "@keyway/redis";
import { WINDOWS, type LimitDecision, type LimitTarget, type Window, type WindowState } from "@keyway/core";

RedisLimiter.prototype.check = function fixedDecision(target: LimitTarget): Promise<LimitDecision> {
  const now = Date.now();
  const limits = target.workspace?.limits ?? target.limits!;
  const windows = {} as Record<Window, WindowState>;
  for (const w of WINDOWS) windows[w] = { limit: limits[w], used: 1, remaining: limits[w] - 1, resetAt: now + 60_000 };
  return Promise.resolve({ allowed: true, blockedBy: null, retryAfterMs: 0, scope: "workspace", windows, scopes: { workspace: windows }, now, degraded: false, credits: {}, outOfCredits: null });
};
