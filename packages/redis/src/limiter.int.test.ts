import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createRedis, waitForReady } from "./client.ts";
import { RedisLimiter } from "./limiter.ts";
import { keysOf } from "./scripts.ts";
import { UsageRecorder } from "./usage.ts";
import { testConfig } from "../../../test/env.ts";
import type { Limits } from "@keyway/core";

const config = testConfig();
const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: 1_000 });
afterAll(() => redis.disconnect());

const id = () => randomBytes(8).toString("hex");
const limits = (minute: number, hour = 1e6, day = 1e7, month = 1e8): Limits => ({ minute, hour, day, month });
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0); // a fixed instant: tests move time through the seam

function clockAt(start: number) {
  const c = { t: start, now: () => c.t };
  return c;
}

beforeAll(() => waitForReady(redis, 2_000));

describe("multi-window limiter on real Redis", () => {
  it("counts a request's cost in units; a cost of 0 asks without using anything, and is refused once nothing is left", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const t = { id: id(), limits: limits(10) };
    expect((await limiter.check(t, 3)).windows.minute).toMatchObject({ used: 3, remaining: 7 });
    expect((await limiter.check(t, 0)).windows.minute).toMatchObject({ used: 3, remaining: 7 }); // nothing used
    expect((await limiter.check(t, 8)).allowed).toBe(false); // 3 + 8 > 10: refused whole, nothing counted
    expect((await limiter.check(t, 7)).windows.minute).toMatchObject({ used: 10, remaining: 0 });
    const check = await limiter.check(t, 0);
    expect(check.allowed).toBe(false); // a request of cost 1 would be refused now
    expect(check.windows.minute.used).toBe(10);
    expect((await limiter.check({ id: id(), limits: limits(10) }, 11)).allowed).toBe(false); // more than the limit: never
  });

  it("Kong's case: 6 per minute, seven requests give six allowed then a refusal, remaining 5..0", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const key = id();
    const seen: [boolean, number][] = [];
    for (let i = 0; i < 7; i++) {
      const d = await limiter.check({ id: key, limits: limits(6) });
      seen.push([d.allowed, d.windows.minute.remaining]);
    }
    expect(seen).toEqual([[true, 5], [true, 4], [true, 3], [true, 2], [true, 1], [true, 0], [false, 0]]);
  });

  it("Unkey's case: 12/min and 200/month, the 13th is refused and month remaining is exactly 188", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const key = id();
    const l = { minute: 12, hour: 1000, day: 1000, month: 200 };
    for (let i = 0; i < 12; i++) expect((await limiter.check({ id: key, limits: l })).allowed).toBe(true);
    const refused = await limiter.check({ id: key, limits: l });
    expect(refused.allowed).toBe(false);
    expect(refused.blockedBy).toBe("minute");
    limiter.forget("all"); // ask Redis, not the negative cache
    const again = await limiter.check({ id: key, limits: l });
    expect(again.allowed).toBe(false);
    expect(again.windows.month).toMatchObject({ used: 12, remaining: 188 });
    expect(again.windows.hour).toMatchObject({ used: 12, remaining: 988 });
  });

  it("has no 2x burst at a minute boundary, and frees the window once it has passed", async () => {
    const clock = clockAt(T0 + 59_000);
    const limiter = new RedisLimiter(redis, { clock: clock.now });
    const key = id();
    for (let i = 0; i < 10; i++) expect((await limiter.check({ id: key, limits: limits(10) })).allowed).toBe(true);
    clock.t = T0 + 61_000; // a fixed-window limiter would allow 10 more here
    const refused = await limiter.check({ id: key, limits: limits(10) });
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(58_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(64_000);
    limiter.forget("all");
    clock.t = T0 + 59_000 + 65_000;
    expect((await limiter.check({ id: key, limits: limits(10) })).allowed).toBe(true);
  });

  it("resets the day quota at exactly 00:00 UTC and the month quota on the 1st", async () => {
    const endOfFeb = Date.UTC(2028, 1, 29, 23, 59, 59, 999); // a leap day, also the last of the month
    const clock = clockAt(endOfFeb);
    const limiter = new RedisLimiter(redis, { clock: clock.now });
    const dayKey = id();
    const monthKey = id();
    expect((await limiter.check({ id: dayKey, limits: { minute: 100, hour: 100, day: 1, month: 100 } })).allowed).toBe(true);
    expect((await limiter.check({ id: monthKey, limits: { minute: 100, hour: 100, day: 100, month: 1 } })).allowed).toBe(true);
    const day = await limiter.check({ id: dayKey, limits: { minute: 100, hour: 100, day: 1, month: 100 } });
    const month = await limiter.check({ id: monthKey, limits: { minute: 100, hour: 100, day: 100, month: 1 } });
    expect(day).toMatchObject({ allowed: false, blockedBy: "day", retryAfterMs: 1 });
    expect(day.windows.day.resetAt).toBe(Date.UTC(2028, 2, 1));
    expect(month).toMatchObject({ allowed: false, blockedBy: "month", retryAfterMs: 1 });
    expect(month.windows.month.resetAt).toBe(Date.UTC(2028, 2, 1));
    limiter.forget("all");
    clock.t = Date.UTC(2028, 2, 1);
    expect((await limiter.check({ id: dayKey, limits: { minute: 100, hour: 100, day: 1, month: 100 } })).allowed).toBe(true);
    expect((await limiter.check({ id: monthKey, limits: { minute: 100, hour: 100, day: 100, month: 1 } })).allowed).toBe(true);
  });

  it("reports the window with the longest wait when several refuse", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const key = id();
    const l = { minute: 1, hour: 1, day: 1, month: 1 };
    await limiter.check({ id: key, limits: l });
    const d = await limiter.check({ id: key, limits: l });
    expect(d.blockedBy).toBe("month");
    expect(d.retryAfterMs).toBe(Date.UTC(2026, 11, 1) - T0);
  });

  it("peek shows the quota without counting anything", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const key = id();
    for (let i = 0; i < 3; i++) await limiter.check({ id: key, limits: limits(5) });
    const a = await limiter.peek({ id: key, limits: limits(5) });
    const b = await limiter.peek({ id: key, limits: limits(5) });
    expect(a.windows.minute).toMatchObject({ used: 3, remaining: 2 });
    expect(b.windows).toEqual(a.windows);
    expect((await limiter.check({ id: key, limits: limits(5) })).windows.minute.used).toBe(4);
  });

  it("answers one event-loop turn's requests with one script call, each seeing the ones before it", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const tight = id();
    const others = Array.from({ length: 20 }, id);
    // the real client, its script calls counted
    let scriptCalls = 0;
    const commands = redis as unknown as { keywayLimit: (...args: unknown[]) => Promise<string> };
    const real = commands.keywayLimit.bind(redis);
    commands.keywayLimit = (...args) => (scriptCalls++, real(...args));
    try {
      const [mine, theirs] = await Promise.all([
        Promise.all(Array.from({ length: 5 }, () => limiter.check({ id: tight, limits: limits(3) }))),
        Promise.all(others.map((k) => limiter.check({ id: k, limits: limits(3) }))),
      ]);
      expect(scriptCalls).toBe(1);
      expect(mine.map((d) => [d.allowed, d.windows.minute.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0], [false, 0]]);
      expect(theirs.every((d) => d.allowed && d.windows.minute.used === 1)).toBe(true);
    } finally {
      commands.keywayLimit = real;
    }
  });

  it("starts afresh, without a script error, when the key's state holds another type", async () => {
    const limiter = new RedisLimiter(redis, { clock: clockAt(T0).now });
    const key = id();
    await redis.hset(keysOf(key).limits, "m:1", 2);
    const d = await limiter.check({ id: key, limits: { minute: 5, hour: 100, day: 100, month: 100 } });
    expect([d.allowed, d.degraded, d.windows.minute.used]).toEqual([true, false, 1]);
    expect(await redis.type(keysOf(key).limits)).toBe("string");
    expect(await redis.pttl(keysOf(key).limits)).toBeGreaterThan(0);
  });

  it("leaves no key without a TTL", async () => {
    const limiter = new RedisLimiter(redis);
    for (let i = 0; i < 20; i++) await limiter.check({ id: id(), limits: limits(5) });
    const key = id();
    for (let i = 0; i < 8; i++) await limiter.check({ id: key, limits: limits(5) });
    // outcomes: for a key never checked (the record script makes the hash), for one whose hash a
    // flusher has just taken (gone, made again), and twice more for one that has a hash
    const recorder = new UsageRecorder(redis);
    const taken = id();
    await limiter.check({ id: taken, limits: limits(5) });
    await redis.del(keysOf(taken).usage);
    for (const k of [id(), taken, key, key]) recorder.record({ keyId: k }, "s");
    await recorder.flush();
    const raw = new Redis(config.REDIS_URL);
    const names: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await raw.scan(cursor, "MATCH", `${config.REDIS_KEY_PREFIX}*`, "COUNT", 1000);
      cursor = next;
      names.push(...batch);
    } while (cursor !== "0");
    const ttls = await Promise.all(names.map((n) => raw.pttl(n)));
    raw.disconnect();
    expect(names.length).toBeGreaterThanOrEqual(22 * 2 + 1);
    expect(ttls.filter((t) => t < 0)).toEqual([]);
  });
});
