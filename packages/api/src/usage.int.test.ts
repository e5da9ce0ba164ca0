// Usage metering: counted by the limit script and the recorder, moved to PostgreSQL by the
// flusher exactly once (even when a flush dies half-way and runs again), read back for charts.
import { afterAll, describe, expect, it } from "vitest";
import { personalWorkspaceOf, usageStore } from "@keyway/db";
import { takeUsage } from "@keyway/redis";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { createCaller } from "./root.ts";

const clock = { t: Date.UTC(2026, 10, 24, 12, 30, 0), now: () => clock.t };
const services = testServices({}, { clock: clock.now });
afterAll(() => services.close());
const actor = { id: null, role: "system" as const };

async function keyFor() {
  const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
  return { user, ...(await services.keys.create(actor, { userId: user.id, name: "k" })) };
}

describe("usage", () => {
  it("counts allowed, rate-limited, successful and failed; the flusher moves them to PostgreSQL with rollups", async () => {
    const { key, record } = await keyFor();
    for (let i = 0; i < 12; i++) await services.verifier.verify(key); // 10 allowed, 2 limited
    for (let i = 0; i < 7; i++) services.recorder.record({ keyId: record.id, workspaceId: record.workspaceId }, "s");
    for (let i = 0; i < 3; i++) services.recorder.record({ keyId: record.id, workspaceId: record.workspaceId }, "f");
    await services.recorder.flush();
    await services.limiter.flush();

    const before = await services.usage.series({ keyIds: [record.id] }, "hour");
    expect(before.totals).toEqual({ allowed: 10, rateLimited: 2, successful: 7, failed: 3 });

    expect((await services.usage.flushOnce()).keys).toBeGreaterThanOrEqual(1);
    const rows = await services.db.usageBucket.findMany({ where: { keyId: record.id }, orderBy: { period: "asc" } });
    expect(rows.map((r) => [r.period, r.start.toISOString(), r.allowed, r.rateLimited, r.successful, r.failed])).toEqual([
      ["minute", "2026-11-24T12:30:00.000Z", 10, 2, 7, 3],
      ["hour", "2026-11-24T12:00:00.000Z", 10, 2, 7, 3],
      ["day", "2026-11-24T00:00:00.000Z", 10, 2, 7, 3],
      ["month", "2026-11-01T00:00:00.000Z", 10, 2, 7, 3],
    ]);
    const row = await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.lastUsedAt?.getTime()).toBe(clock.t);

    // the same numbers whether they sit in Redis or PostgreSQL
    const after = await services.usage.series({ keyIds: [record.id] }, "hour");
    expect(after).toEqual(before);
    const byUser = await services.usage.series({ userId: record.userId! }, "day");
    expect(byUser.totals).toEqual(before.totals);
    expect(byUser.points).toHaveLength(24);
    expect(await services.usage.summary(record.id)).toEqual({
      total: 12, successful: 7, failed: 3, rateLimited: 2,
      lastRequestAt: new Date(clock.t).toISOString(),
      daily: { "2026-11-24": 12 }, monthly: { "2026-11": 12 },
    });
  });

  it("moves 1,200 keys over two hours in one pass, more than one chunk, each count once; a key deleted since is skipped", async () => {
    const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
    const ids = Array.from({ length: 1_200 }, (_, i) => `bulk${String(i).padStart(12, "0")}`);
    const workspace = await personalWorkspaceOf(services.db, user.id);
    await services.db.apiKey.createMany({ data: ids.map((id) => ({ id, workspaceId: workspace.id, userId: user.id, name: id, prefix: id, hash: id, tierAtCreation: "free" })) });
    const start = clock.t;
    try {
      ids.forEach((id, i) => services.recorder.record({ keyId: id, workspaceId: workspace.id }, "s", 1 + (i % 3))); // counts differ by key
      await services.recorder.flush();
      clock.t = start + 61 * 60_000; // the next hour
      ids.forEach((id, i) => services.recorder.record({ keyId: id, workspaceId: workspace.id }, "f", 1 + (i % 2)));
      await services.recorder.flush();
    } finally {
      clock.t = start;
    }
    await services.db.apiKey.delete({ where: { id: ids[0] } });

    expect((await services.usage.flushOnce()).keys).toBeGreaterThanOrEqual(1_200);
    const rows = await services.db.usageBucket.groupBy({ by: ["period"], where: { userId: user.id }, _sum: { successful: true, failed: true }, _count: true });
    const byPeriod = Object.fromEntries(rows.map((r) => [r.period, [r._count, r._sum.successful, r._sum.failed]]));
    // ids[0] (deleted) had s 1 and f 1
    const s = ids.reduce((sum, _, i) => sum + 1 + (i % 3), 0) - 1;
    const f = ids.reduce((sum, _, i) => sum + 1 + (i % 2), 0) - 1;
    expect(byPeriod).toEqual({ minute: [2_398, s, f], hour: [2_398, s, f], day: [1_199, s, f], month: [1_199, s, f] });
    // nothing of them is left in Redis, and a second pass adds nothing
    await services.usage.flushOnce();
    const again = await services.db.usageBucket.aggregate({ where: { userId: user.id, period: "month" }, _sum: { successful: true, failed: true } });
    expect(again._sum).toEqual({ successful: s, failed: f });
  });

  it("counts a batch once when a flush dies after PostgreSQL and before Redis is cleaned", async () => {
    const { key, record } = await keyFor();
    for (let i = 0; i < 5; i++) await services.verifier.verify(key);
    // a flusher that takes and applies, then dies before deleting the taken hash
    const taken = (await takeUsage(services.redis, services.config.REDIS_KEY_PREFIX, () => "crashtest1")).filter((t) => t.keyId === record.id);
    await usageStore(services.db).apply(taken.map((t) => ({ token: t.token, keyId: t.keyId, minutes: t.minutes })));
    // the next run picks the leftover up again with its token, and does not count it twice
    await services.usage.flushOnce();
    await services.usage.flushOnce();
    const month = await services.db.usageBucket.findFirstOrThrow({ where: { keyId: record.id, period: "month" } });
    expect(month.allowed).toBe(5);
  });

  it("shows a key's last use before any flush, and keeps it after one (the keys list reads Redis too)", async () => {
    const { key, record, user } = await keyFor();
    const viewer = viewerOf(user, { name: "T" });
    const caller = createCaller({ services, viewer, client: { ip: "203.0.113.9", userAgent: "vitest" } });
    expect((await caller.keys.list({})).find((k) => k.id === record.id)?.lastUsedAt).toBeNull();
    await services.verifier.verify(key);
    expect((await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).toBeNull(); // not flushed yet
    const minute = Math.floor(clock.t / 60_000) * 60_000;
    expect((await caller.keys.list({})).find((k) => k.id === record.id)?.lastUsedAt?.getTime()).toBe(minute);
    await services.usage.flushOnce();
    expect((await caller.keys.list({})).find((k) => k.id === record.id)?.lastUsedAt?.getTime()).toBe(minute);
  });
});
