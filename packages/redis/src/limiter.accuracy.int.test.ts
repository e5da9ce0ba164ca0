// Accuracy under concurrency (two processes), and the fast-check property that no window ever
// admits more than its limit under any schedule of requests and clock moves.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, waitForReady } from "./client.ts";
import { RedisLimiter } from "./limiter.ts";
import { testConfig } from "../../../test/env.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const config = testConfig();
const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: 2_000 });
beforeAll(() => waitForReady(redis, 2_000));
afterAll(() => redis.disconnect());

describe("accuracy", () => {
  it.each([1, 10, 100])("admits exactly %i of 10N concurrent requests sent from two processes", async (n) => {
    const keyId = randomBytes(8).toString("hex");
    const worker = (count: number) =>
      run(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "test/limiter-worker.ts"), config.REDIS_URL, config.REDIS_KEY_PREFIX, keyId, String(n), String(count)], { cwd: root });
    const outputs = await Promise.all([worker(5 * n), worker(5 * n)]);
    const results = outputs.map((o) => JSON.parse(o.stdout.trim()) as { allowed: number; degraded: boolean });
    expect(results.some((r) => r.degraded)).toBe(false);
    expect(results[0]!.allowed + results[1]!.allowed).toBe(n);
  });

  it("property: under any schedule of requests and clock moves, no window admits more than its limit", async () => {
    const DAY = 86_400_000;
    const start = Date.UTC(2026, 0, 31, 23, 0, 0);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ minute: fc.integer({ min: 1, max: 6 }), hour: fc.integer({ min: 3, max: 15 }), day: fc.integer({ min: 5, max: 25 }), month: fc.integer({ min: 8, max: 40 }) }),
        // each step: a clock move (ms, sometimes large) and a burst of requests
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 3 * 3_600_000 }), fc.constant(DAY)), fc.integer({ min: 1, max: 4 })), { minLength: 5, maxLength: 60 }),
        async (limits, schedule) => {
          const clock = { t: start };
          const limiter = new RedisLimiter(redis, { clock: () => clock.t });
          const keyId = randomBytes(8).toString("hex");
          const admitted: number[] = [];
          for (const [move, burst] of schedule) {
            clock.t += move;
            for (let i = 0; i < burst; i++) if ((await limiter.check(keyId, limits)).allowed) admitted.push(clock.t);
          }
          const inSliding = (period: number) => Math.max(0, ...admitted.map((t) => admitted.filter((u) => u > t - period && u <= t).length));
          const perCalendar = (key: (t: number) => string) => {
            const counts = new Map<string, number>();
            for (const t of admitted) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
            return Math.max(0, ...counts.values());
          };
          return (
            inSliding(60_000) <= limits.minute &&
            inSliding(3_600_000) <= limits.hour &&
            perCalendar((t) => new Date(t).toISOString().slice(0, 10)) <= limits.day &&
            perCalendar((t) => new Date(t).toISOString().slice(0, 7)) <= limits.month
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("property: the fast path's running sums always equal a full recount of the key's sub-buckets", async () => {
    // Limits mostly not reached, so nearly every request takes the fast path (sums kept in the
    // hash); after each one, peek recounts every field (the full path) and must see the same.
    const start = Date.UTC(2026, 0, 31, 23, 58, 0);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ minute: fc.integer({ min: 20, max: 60 }), hour: fc.integer({ min: 100, max: 400 }), day: fc.constant(1_000), month: fc.constant(2_000) }),
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 0, max: 700_000 })), fc.integer({ min: 1, max: 5 })), { minLength: 5, maxLength: 80 }),
        async (limits, schedule) => {
          const clock = { t: start };
          const limiter = new RedisLimiter(redis, { clock: () => clock.t });
          const keyId = randomBytes(8).toString("hex");
          for (const [move, burst] of schedule) {
            clock.t += move;
            for (let i = 0; i < burst; i++) {
              const d = await limiter.check(keyId, limits);
              if (!d.allowed) continue;
              const recount = await limiter.peek(keyId, limits);
              if (JSON.stringify(recount.windows) !== JSON.stringify(d.windows)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 40 },
    );
  });
});
