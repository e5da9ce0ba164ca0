// Redis stopped mid-run, and the negative cache: against a private redis-server so the shared
// one is never disturbed.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LimiterUnavailableError } from "@keyway/core";
import { createRedis, waitForReady } from "./client.ts";
import { RedisLimiter, type LimiterEvent } from "./limiter.ts";
import { UsageRecorder } from "./usage.ts";
import { startPrivateRedis, type PrivateRedis } from "../../../test/redis-server.ts";

let server: PrivateRedis;
beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(() => server.stop());

const limits = { minute: 5, hour: 100, day: 1000, month: 10000 };
const id = () => randomBytes(8).toString("hex");

async function evalCalls(url: string): Promise<number> {
  const raw = new Redis(url);
  const info = await raw.info("commandstats");
  raw.disconnect();
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return calls("evalsha") + calls("eval");
}

describe("negative cache", () => {
  it("answers a blocked key in-process until its reset, and still counts the refusals", async () => {
    const redis = createRedis(server.url, { keyPrefix: "neg:" });
    await waitForReady(redis, 2_000);
    const limiter = new RedisLimiter(redis);
    const key = id();
    for (let i = 0; i < 6; i++) await limiter.check({ id: key, limits });
    const before = await evalCalls(server.url);
    for (let i = 0; i < 1000; i++) expect((await limiter.check({ id: key, limits })).allowed).toBe(false);
    const after = await evalCalls(server.url);
    expect(after - before).toBe(0);
    await limiter.flush();
    const raw = new Redis(server.url);
    const usage = await raw.hgetall(`neg:u:{${key}}`);
    raw.disconnect();
    const limited = Object.entries(usage).filter(([k]) => k.endsWith(":l")).reduce((s, [, v]) => s + Number(v), 0);
    expect(limited).toBe(1001);
    redis.disconnect();
  });
});

describe("Redis unavailable", () => {
  it("falls back to a marked local limiter (limit / instances), then is exact again once Redis returns", async () => {
    const events: LimiterEvent[] = [];
    const redis = createRedis(server.url, { keyPrefix: "deg:" });
    await waitForReady(redis, 2_000);
    const limiter = new RedisLimiter(redis, { instances: 2, breakerOpenMs: 200, onEvent: (e) => events.push(e) });
    const key = id();
    for (let i = 0; i < 3; i++) expect((await limiter.check({ id: key, limits })).degraded).toBe(false); // 3 counted in Redis

    await server.stop();
    const during = [];
    const t0 = performance.now();
    for (let i = 0; i < 6; i++) during.push(await limiter.check({ id: key, limits }));
    const elapsed = performance.now() - t0;
    expect(during.every((d) => d.degraded)).toBe(true);
    // limit 5 across 2 instances, 3 used when Redis last answered: this instance allows its share
    // of the 2 left (1), not 5 / 2 on top, then refuses; never an invented remaining
    expect(during.map((d) => d.allowed)).toEqual([true, false, false, false, false, false]);
    expect(during[0]!.windows.minute).toMatchObject({ limit: 2, used: 2, remaining: 0 });
    expect(elapsed).toBeLessThan(500);
    expect(events.some((e) => e.type === "circuit" && e.state === "open")).toBe(true);

    await server.start();
    await waitForReady(redis, 5_000);
    await new Promise((r) => setTimeout(r, 250)); // breaker half-opens
    const after = await limiter.check({ id: key, limits });
    expect(after.degraded).toBe(false);
    // Redis restarted empty (no persistence): its count starts again, exactly
    expect(after.windows.minute).toMatchObject({ limit: 5, used: 1, remaining: 4 });
    // then what this instance admitted on its own (1) is written back: the shared windows count it
    await new Promise((r) => setTimeout(r, 50));
    expect((await limiter.check({ id: key, limits })).windows.minute).toMatchObject({ used: 3, remaining: 2 });
    // and the charts count the fallback's decisions: allowed 1 + 2 since, refused 5
    await limiter.flush();
    const raw = new Redis(server.url);
    const usage = await raw.hgetall(`deg:u:{${key}}`);
    raw.disconnect();
    const sum = (kind: string) => Object.entries(usage).filter(([k]) => k.endsWith(`:${kind}`)).reduce((n, [, v]) => n + Number(v), 0);
    expect([sum("a"), sum("l")]).toEqual([3, 5]);
    redis.disconnect();
  });

  it("keeps every outcome count while Redis is away, more than one script call's worth, and writes them once it is back", async () => {
    const redis = createRedis(server.url, { keyPrefix: "rec:" });
    await waitForReady(redis, 2_000);
    const recorder = new UsageRecorder(redis, { flushIntervalMs: 60_000 });
    const keys = Array.from({ length: 150 }, id); // three calls of 64
    await server.stop();
    keys.forEach((k, i) => recorder.record({ keyId: k }, "s", 1 + (i % 3)));
    await recorder.flush(); // the first call fails: nothing sent, nothing lost
    await server.start();
    await waitForReady(redis, 5_000);
    await recorder.flush();
    const raw = new Redis(server.url);
    const counts = await Promise.all(keys.map(async (k) => Object.values(await raw.hgetall(`rec:u:{${k}}`)).map(Number)));
    raw.disconnect();
    expect(counts).toEqual(keys.map((_, i) => [1 + (i % 3)]));
    await recorder.close();
    redis.disconnect();
  });

  it("fails closed with a retry hint when that is the declared policy", async () => {
    const redis = createRedis("redis://127.0.0.1:1", { keyPrefix: "x:" });
    const limiter = new RedisLimiter(redis, { failurePolicy: "closed" });
    await expect(limiter.check({ id: id(), limits: limits })).rejects.toBeInstanceOf(LimiterUnavailableError);
    redis.disconnect();
  });
});
