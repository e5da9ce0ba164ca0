// Accuracy under concurrency (two processes), and two fast-check properties under any schedule of
// requests and clock moves: no window ever admits more than its limit, and the script's decisions
// and counts are those of a plain recount.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, waitForReady } from "./client.ts";
import { WINDOWS } from "@keyway/core";
import { RedisLimiter } from "./limiter.ts";
import { testConfig } from "../../../test/env.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const config = testConfig();
const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: 2_000 });
beforeAll(() => waitForReady(redis, 2_000));
afterAll(() => redis.disconnect());

describe("accuracy", () => {
  it.each([
    [1, 1], [10, 1], [100, 1],
    [1, 5], [10, 5], [100, 5],
  ])("admits exactly N = %i of 10N concurrent requests over %i keys of one workspace, sent from two processes", async (n, k) => {
    const workspaceId = `ws${randomBytes(8).toString("hex")}`;
    const keyIds = Array.from({ length: k }, () => randomBytes(8).toString("hex")).join(",");
    const worker = (count: number) =>
      run(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "test/limiter-worker.ts"), config.REDIS_URL, config.REDIS_KEY_PREFIX, workspaceId, String(n), String(count), keyIds], { cwd: root });
    const outputs = await Promise.all([worker(5 * n), worker(5 * n)]);
    const results = outputs.map((o) => JSON.parse(o.stdout.trim()) as { allowed: number; degraded: boolean });
    expect(results.some((r) => r.degraded)).toBe(false);
    expect(results[0]!.allowed + results[1]!.allowed).toBe(n);
  });

  it("a key's own lower limit refuses first, naming the key; a refused request consumes nothing in either scope", async () => {
    const limiter = new RedisLimiter(redis);
    const workspace = { id: `ws${randomBytes(8).toString("hex")}`, limits: { minute: 10, hour: 100, day: 1_000, month: 10_000 } };
    const capped = { id: randomBytes(8).toString("hex"), limits: { minute: 3, hour: 1e9, day: 1e9, month: 1e9 }, workspace };
    const other = { id: randomBytes(8).toString("hex"), limits: null, workspace };
    const a = [];
    for (let i = 0; i < 5; i++) a.push(await limiter.check(capped));
    expect(a.map((d) => [d.allowed, d.scope])).toEqual([[true, "key"], [true, "key"], [true, "key"], [false, "key"], [false, "key"]]);
    expect(a[3]!.blockedBy).toBe("minute");
    // the two refusals counted in neither scope: the workspace has 3 of its 10, so the other key gets 7
    expect(a[2]!.scopes.workspace!.minute.used).toBe(3);
    const b = [];
    for (let i = 0; i < 8; i++) b.push(await limiter.check(other));
    expect(b.filter((d) => d.allowed)).toHaveLength(7);
    expect(b[7]).toMatchObject({ allowed: false, scope: "workspace", blockedBy: "minute", windows: { minute: { limit: 10, used: 10, remaining: 0 } } });
    expect(b[7]!.scopes.key).toBeUndefined();
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
            for (let i = 0; i < burst; i++) if ((await limiter.check({ id: keyId, limits: limits })).allowed) admitted.push(clock.t);
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

  it("property: every decision and count equals a plain recount of the admitted requests' sub-buckets", async () => {
    // The script keeps a ring of sub-bucket counts and running sums; this model keeps every admitted
    // request and recounts: minute and hour over the current sub-bucket and the 12 before it (5 s and
    // 5 min each), day and month by UTC date. Refusals go to Redis too (the negative cache is cleared).
    const start = Date.UTC(2026, 0, 31, 23, 58, 0);
    const sub = { minute: 5_000, hour: 300_000 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({ minute: fc.integer({ min: 3, max: 40 }), hour: fc.integer({ min: 20, max: 200 }), day: fc.integer({ min: 50, max: 400 }), month: fc.constant(2_000) }),
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 0, max: 700_000 })), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 })), { minLength: 5, maxLength: 80 }),
        async (limits, schedule) => {
          const clock = { t: start };
          const limiter = new RedisLimiter(redis, { clock: () => clock.t });
          const keyId = randomBytes(8).toString("hex");
          const admitted: { t: number; cost: number }[] = [];
          const sum = (keep: (t: number) => boolean) => admitted.reduce((n, a) => n + (keep(a.t) ? a.cost : 0), 0);
          for (const [move, burst, cost] of schedule) {
            clock.t += move;
            const t = clock.t;
            for (let i = 0; i < burst; i++) {
              const used = {
                minute: sum((u) => Math.floor(u / sub.minute) >= Math.floor(t / sub.minute) - 12),
                hour: sum((u) => Math.floor(u / sub.hour) >= Math.floor(t / sub.hour) - 12),
                day: sum((u) => new Date(u).toISOString().slice(0, 10) === new Date(t).toISOString().slice(0, 10)),
                month: sum((u) => new Date(u).toISOString().slice(0, 7) === new Date(t).toISOString().slice(0, 7)),
              };
              const allowed = WINDOWS.every((w) => used[w] + cost <= limits[w]);
              if (allowed) admitted.push({ t, cost });
              limiter.forget("all");
              const d = await limiter.check({ id: keyId, limits: limits }, cost);
              const expected = Object.fromEntries(WINDOWS.map((w) => [w, used[w] + (allowed ? cost : 0)]));
              const got = Object.fromEntries(WINDOWS.map((w) => [w, d.windows[w].used]));
              if (d.allowed !== allowed || JSON.stringify(got) !== JSON.stringify(expected)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 40 },
    );
  });

});
