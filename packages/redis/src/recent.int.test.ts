// A key's recent verifications on real Redis: written by the limit script in the same call, capped,
// with the refusing limit named; refusals decided without the script written in the same format.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Limits } from "@keyway/core";
import { createRedis, waitForReady } from "./client.ts";
import { RedisLimiter } from "./limiter.ts";
import { parseEntry, readRecent } from "./recent.ts";
import { keysOf } from "./scripts.ts";
import { testConfig } from "../../../test/env.ts";

const config = testConfig();
const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: 1_000 });
beforeAll(() => waitForReady(redis, 2_000));
afterAll(() => redis.disconnect());

const id = () => randomBytes(8).toString("hex");
const limits = (minute: number): Limits => ({ minute, hour: 1e6, day: 1e7, month: 1e8 });
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const target = (minute: number, own: number | null = null) => {
  const workspace = { id: id(), limits: limits(minute) };
  return { id: id(), limits: own === null ? null : limits(own), workspace };
};
const recentOf = (t: ReturnType<typeof target>, keep?: number) => readRecent(redis, { keyId: t.id, workspaceId: t.workspace.id }, keep);

describe("recent verifications", () => {
  it("records each decision with its time, code, the refusing limit and the client address, newest first", async () => {
    let now = T0;
    const limiter = new RedisLimiter(redis, { clock: () => now });
    const t = target(3, 2); // the key's own 2 a minute binds before the workspace's 3
    for (let i = 0; i < 3; i++) {
      await limiter.check(t, 1, { ip: i === 2 ? "2001:db8::7" : "203.0.113.9" });
      now += 1_000;
    }
    const recent = await recentOf(t);
    expect(recent).toEqual([
      { at: new Date(T0 + 2_000), code: "RATE_LIMITED", refusedBy: { scope: "key", window: "minute" }, ip: "2001:db8::7" },
      { at: new Date(T0 + 1_000), code: "VALID", refusedBy: null, ip: "203.0.113.9" },
      { at: new Date(T0), code: "VALID", refusedBy: null, ip: "203.0.113.9" },
    ]);
  });

  it("keeps the last N: 40 requests with N = 8 read back as the newest 8, and the list never holds more than N and a quarter", async () => {
    let now = T0;
    const limiter = new RedisLimiter(redis, { clock: () => now, recentVerifications: 8 });
    const t = target(1_000);
    for (let i = 0; i < 40; i++) {
      await limiter.check(t, 1, { ip: `198.51.100.${i}` });
      now += 10;
    }
    const recent = await recentOf(t, 8);
    expect(recent.map((r) => r.ip)).toEqual(Array.from({ length: 8 }, (_, i) => `198.51.100.${39 - i}`));
    expect(await redis.llen(keysOf(t.id, t.workspace.id).recent)).toBeLessThanOrEqual(10);
    expect(await redis.pttl(keysOf(t.id, t.workspace.id).recent)).toBeGreaterThan(0);
  });

  it("writes nothing for a check without a trace (a sign-in throttle) or with recording off", async () => {
    const t = target(10);
    await new RedisLimiter(redis, { clock: () => T0 }).check(t);
    await new RedisLimiter(redis, { clock: () => T0, recentVerifications: 0 }).check(t, 1, { ip: "203.0.113.1" });
    expect(await recentOf(t)).toEqual([]);
    expect(await redis.exists(keysOf(t.id, t.workspace.id).recent)).toBe(0);
  });

  it("records refusals answered in-process (the negative cache) and before any limit (a revoked key), once flushed", async () => {
    const now = T0;
    const limiter = new RedisLimiter(redis, { clock: () => now });
    const t = target(1);
    await limiter.check(t, 1, { ip: "203.0.113.5" });
    await limiter.check(t, 1, { ip: "203.0.113.5" }); // refused by the script: the workspace is remembered as blocked
    await limiter.check(t, 1, { ip: "203.0.113.6" }); // answered from the negative cache
    limiter.refused(t, "REVOKED", { ip: null });
    await limiter.flush();
    const recent = await recentOf(t);
    expect(recent.map((r) => [r.code, r.refusedBy?.scope ?? null, r.refusedBy?.window ?? null, r.ip])).toEqual([
      ["REVOKED", null, null, null],
      ["RATE_LIMITED", "workspace", "minute", "203.0.113.6"],
      ["RATE_LIMITED", "workspace", "minute", "203.0.113.5"],
      ["VALID", null, null, "203.0.113.5"],
    ]);
  });

  it("keeps a client address only if it is one: a forwarded entry with a '|' forges nothing", async () => {
    const limiter = new RedisLimiter(redis, { clock: () => T0 });
    const t = target(10);
    await limiter.check(t, 1, { ip: "1.2.3.4|9|9|k|6.6.6.6|REVOKED" });
    await limiter.check(t, 1, { ip: "unknown" });
    expect((await recentOf(t)).map((r) => [r.code, r.ip])).toEqual([["VALID", null], ["VALID", null]]);
  });

  it("reads a malformed entry as nothing rather than failing the page", () => {
    expect(parseEntry("garbage")).toBeNull();
    expect(parseEntry("1764590400000|0|0|w|")).toEqual({ at: new Date(1764590400000), code: "VALID", refusedBy: null, ip: null });
  });
});
