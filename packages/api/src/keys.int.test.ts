// API keys end to end against real PostgreSQL and Redis: every verify code, the lifecycle, roll
// grace, exact expiry, the active-key cap under concurrency, audit rows and ownership.
import { afterAll, describe, expect, it } from "vitest";
import { formatKey, generateKey, hashKey, parseKey } from "@keyway/core";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { createCaller } from "./root.ts";

const clock = { t: Date.UTC(2026, 10, 24, 12, 0, 0), now: () => clock.t };
const services = testServices({}, { clock: clock.now });
afterAll(() => services.close());
const actor = { id: null, role: "system" as const };

async function newUser(tier = "free") {
  return services.users.createWithPassword({ email: uniqueEmail(), name: "Test", password: "long-enough-pass", role: "developer", tier });
}

async function newKey(userId: string, options: { expiresInDays?: number } = {}) {
  return services.keys.create(actor, { userId, name: "test key", ...options });
}

describe("verify codes", () => {
  it("MISSING_KEY and MALFORMED without touching PostgreSQL or Redis", async () => {
    expect(await services.verifier.verify(undefined)).toEqual({ valid: false, code: "MISSING_KEY" });
    expect(await services.verifier.verify("")).toEqual({ valid: false, code: "MISSING_KEY" });
    expect(await services.verifier.verify("ys_free_nope")).toEqual({ valid: false, code: "MALFORMED" });
    const { key } = generateKey("free");
    const typo = key.slice(0, -1) + (key.endsWith("a") ? "b" : "a");
    const before = services.verifier.cacheStats();
    expect(await services.verifier.verify(typo)).toEqual({ valid: false, code: "MALFORMED" });
    expect(services.verifier.cacheStats().misses).toBe(before.misses);
  });

  it("INVALID_KEY for an unknown id and for a wrong secret alike", async () => {
    const user = await newUser();
    const { key, record } = await newKey(user.id);
    const unknown = generateKey("free").key;
    const parsed = parseKey(key);
    if (!parsed.ok) throw new Error("bad key");
    const wrongSecret = formatKey("free", parsed.id, "A".repeat(33));
    expect(await services.verifier.verify(unknown)).toEqual({ valid: false, code: "INVALID_KEY" });
    expect(await services.verifier.verify(wrongSecret)).toEqual({ valid: false, code: "INVALID_KEY" });
    const ok = await services.verifier.verify(key);
    expect(ok).toMatchObject({ valid: true, keyId: record.id, ownerId: user.id, tier: "free", limits: { minute: 10, hour: 100, day: 1000, month: 10000 } });
  });

  it("stores only the prefix and a hash (HMAC with a pepper when set)", async () => {
    const user = await newUser();
    const { key, record } = await newKey(user.id);
    const row = await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.hash).toBe(hashKey(key));
    expect(JSON.stringify(row, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(key);
    expect(record).not.toHaveProperty("hash");
    expect(key.startsWith(row.prefix + "_")).toBe(true);

    const peppered = testServices({ KEY_PEPPER: "p".repeat(40) });
    try {
      const k = await peppered.keys.create(actor, { userId: user.id, name: "peppered" });
      const stored = await peppered.db.apiKey.findUniqueOrThrow({ where: { id: k.record.id } });
      expect(stored.hash).toBe(hashKey(k.key, "p".repeat(40)));
      expect(stored.hash).not.toBe(hashKey(k.key));
      expect((await peppered.verifier.verify(k.key)).valid).toBe(true);
    } finally {
      await peppered.close();
    }
  });

  it("rotates the pepper: old hashes verify with KEY_PEPPER_PREVIOUS and are re-hashed on first use", async () => {
    const user = await newUser();
    const used = await newKey(user.id); // hashed with plain SHA-256 (no pepper in these services)
    const unused = await newKey(user.id);
    const pepper = "n".repeat(40);
    const rotating = testServices({ KEY_PEPPER: pepper, KEY_PEPPER_PREVIOUS: "none" });
    const strict = testServices({ KEY_PEPPER: pepper });
    try {
      expect((await rotating.verifier.verify(used.key)).valid).toBe(true);
      const forged = used.key.slice(0, used.key.lastIndexOf("_") + 1) + "x".repeat(39);
      expect(await rotating.verifier.verify(forged)).toMatchObject({ valid: false });
      for (let i = 0; i < 50; i++) {
        const row = await services.db.apiKey.findUniqueOrThrow({ where: { id: used.record.id } });
        if (row.hash === hashKey(used.key, pepper)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await services.db.apiKey.findUniqueOrThrow({ where: { id: used.record.id } })).hash).toBe(hashKey(used.key, pepper));
      // Once the previous pepper is gone: re-hashed keys verify, keys never seen during the rotation do not.
      expect((await strict.verifier.verify(used.key)).valid).toBe(true);
      expect(await strict.verifier.verify(unused.key)).toEqual({ valid: false, code: "INVALID_KEY" });
    } finally {
      await rotating.close();
      await strict.close();
    }
  });

  it("REVOKED after a revoke, at once, with an audit row", async () => {
    const user = await newUser();
    const { key, record } = await newKey(user.id);
    expect((await services.verifier.verify(key)).valid).toBe(true); // now cached
    await services.keys.revoke(actor, record.id, null);
    expect(await services.verifier.verify(key)).toEqual({ valid: false, code: "REVOKED", prefix: record.prefix });
    const audit = await services.db.auditLog.findMany({ where: { targetKeyId: record.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["key.create", "key.revoke"]);
    expect(audit[1]).toMatchObject({ actorRole: "system", targetUserId: user.id, targetKeyPrefix: record.prefix, before: { status: "active" }, after: { status: "revoked" } });
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(key);
  });

  it("EXPIRED at exactly the expiry instant", async () => {
    const user = await newUser();
    const { key, record } = await newKey(user.id, { expiresInDays: 1 });
    const expiresAt = record.expiresAt!.getTime();
    expect(expiresAt).toBe(clock.t + 86_400_000);
    const saved = clock.t;
    try {
      clock.t = expiresAt - 1;
      expect((await services.verifier.verify(key)).valid).toBe(true);
      clock.t = expiresAt;
      expect(await services.verifier.verify(key)).toMatchObject({ valid: false, code: "EXPIRED" });
    } finally {
      clock.t = saved;
    }
  });

  it("DISABLED_USER once the owner is disabled", async () => {
    const user = await newUser();
    const { key } = await newKey(user.id);
    await services.db.user.update({ where: { id: user.id }, data: { disabled: true } });
    services.verifier.invalidate({ userId: user.id });
    expect(await services.verifier.verify(key)).toMatchObject({ valid: false, code: "DISABLED_USER" });
  });

  it("RATE_LIMITED past the tier's minute limit, with the refusing window", async () => {
    const user = await newUser("free");
    const { key } = await newKey(user.id);
    for (let i = 0; i < 10; i++) expect((await services.verifier.verify(key)).valid).toBe(true);
    const refused = await services.verifier.verify(key);
    expect(refused).toMatchObject({ valid: false, code: "RATE_LIMITED", ratelimit: { blockedBy: "minute" } });
  });
});

describe("lifecycle", () => {
  it("lists a user's keys without hashes (the seed returned [])", async () => {
    const user = await newUser();
    await newKey(user.id);
    await newKey(user.id);
    const list = await services.keys.list({ userId: user.id });
    expect(list).toHaveLength(2);
    for (const k of list) expect(k).not.toHaveProperty("hash");
  });

  it("roll: new key now, old key works through the grace period and then stops", async () => {
    const user = await newUser();
    const { key: oldKey, record } = await newKey(user.id);
    const saved = clock.t;
    try {
      const rolled = await services.keys.roll(actor, record.id, null, 3600);
      expect(rolled.key).not.toBe(oldKey);
      expect((await services.verifier.verify(rolled.key)).valid).toBe(true);
      expect((await services.verifier.verify(oldKey)).valid).toBe(true);
      clock.t = saved + 3600_000 - 1;
      expect((await services.verifier.verify(oldKey)).valid).toBe(true);
      clock.t = saved + 3600_000;
      expect(await services.verifier.verify(oldKey)).toMatchObject({ valid: false, code: "EXPIRED" });
      expect((await services.verifier.verify(rolled.key)).valid).toBe(true);
    } finally {
      clock.t = saved;
    }
    const zero = await newKey(user.id);
    const now = await services.keys.roll(actor, zero.record.id, null, 0);
    expect(await services.verifier.verify(zero.key)).toMatchObject({ valid: false, code: "REVOKED" });
    expect((await services.verifier.verify(now.key)).valid).toBe(true);
    await expect(services.keys.roll(actor, zero.record.id, null, 90_000)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("per-key overrides and a tier change apply to the next request", async () => {
    const user = await newUser("free");
    const { key, record } = await newKey(user.id);
    expect(await services.verifier.verify(key)).toMatchObject({ limits: { minute: 10 } });
    await services.keys.setLimits(actor, record.id, { minute: 3 });
    expect(await services.verifier.verify(key)).toMatchObject({ limits: { minute: 3, hour: 100 } });
    await services.keys.setLimits(actor, record.id, { minute: null });
    await services.keys.setUserTier(actor, user.id, "pro");
    expect(await services.verifier.verify(key)).toMatchObject({ tier: "pro", limits: { minute: 100, hour: 2000, day: 25000, month: 500000 } });
    await expect(services.keys.setUserTier(actor, user.id, "platinum")).rejects.toMatchObject({ code: "INVALID_TIER" });
    await expect(services.keys.setLimits(actor, record.id, { hour: -1 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const actions = (await services.db.auditLog.findMany({ where: { OR: [{ targetKeyId: record.id }, { targetUserId: user.id, action: "user.tier" }] }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["key.create", "key.limits", "key.limits", "user.tier"]);
  });

  it("holds the active-key cap under 50 parallel creates", async () => {
    const user = await newUser();
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => services.keys.create(actor, { userId: user.id, name: `k${i}` })));
    const created = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(created).toHaveLength(20);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason.code === "KEY_LIMIT_REACHED")).toBe(true);
    expect(await services.db.apiKey.count({ where: { userId: user.id, status: "active" } })).toBe(20);
  });
});

describe("keys in the owner's personal workspace", () => {
  it("every key belongs to its owner's personal workspace, whose plan it verifies with", async () => {
    const user = await newUser("pro");
    const { key, record } = await newKey(user.id);
    const [membership] = await services.db.membership.findMany({ where: { userId: user.id }, include: { workspace: true } });
    expect(membership).toMatchObject({ role: "owner", workspace: { personal: true, name: "Personal", tierName: "pro" } });
    expect(record.workspaceId).toBe(membership!.workspaceId);
    expect(await services.verifier.verify(key)).toMatchObject({ valid: true, tier: "pro", workspace: { id: membership!.workspaceId, name: "Personal", plan: "pro" } });
    // A user's tier is their personal workspace's plan.
    await services.keys.setUserTier(actor, user.id, "enterprise");
    expect((await services.db.workspace.findUniqueOrThrow({ where: { id: membership!.workspaceId } })).tierName).toBe("enterprise");
    expect(await services.verifier.verify(key)).toMatchObject({ workspace: { plan: "enterprise" }, limits: { minute: 1_000 } });
  });

  it("a platform admin's overrides of a workspace's plan reach its keys at once, audited; bad ones change nothing", async () => {
    const user = await newUser("free");
    const { key, record } = await newKey(user.id);
    expect(await services.verifier.verify(key)).toMatchObject({ limits: { minute: 10 } });
    for (const bad of [{ minute: 0 }, { hour: 1.5 }, { day: 2_000_000_000 }]) {
      await expect(services.admin.workspaces.setLimits(actor, record.workspaceId, bad)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    }
    await expect(services.admin.workspaces.setLimits(actor, "no-such-workspace", { minute: 50 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await services.db.workspace.findUniqueOrThrow({ where: { id: record.workspaceId } })).toMatchObject({ limitMinute: null, limitHour: null, limitDay: null });
    expect(await services.admin.workspaces.setLimits(actor, record.workspaceId, { minute: 50 })).toMatchObject({ overrides: { minute: 50, hour: null } });
    expect(await services.verifier.verify(key)).toMatchObject({ limits: { minute: 50, hour: 100 } });
    const audit = await services.db.auditLog.findMany({ where: { action: "workspace.limits" }, orderBy: { id: "desc" }, take: 1 });
    expect(audit[0]).toMatchObject({ targetWorkspaceId: record.workspaceId, before: { minute: null }, after: { minute: 50 } });
  });

  it("counts rolled keys still in their grace period against the cap, and refuses to roll one again", async () => {
    const user = await newUser();
    const made = [];
    for (let i = 0; i < 20; i++) made.push(await newKey(user.id));
    // With a grace period the old key stays active beside the new one: the cap refuses it...
    await expect(services.keys.roll(actor, made[0]!.record.id, null, 60)).rejects.toMatchObject({ code: "KEY_LIMIT_REACHED" });
    // ...while a roll without grace replaces the key in place.
    const rolled = await services.keys.roll(actor, made[0]!.record.id, null, 0);
    await services.keys.revoke(actor, made[1]!.record.id, null);
    const graced = await services.keys.roll(actor, made[2]!.record.id, null, 60);
    expect(await services.verifier.verify(made[2]!.key)).toMatchObject({ valid: true }); // in its grace period
    // 20 keys verify now (the graced one among them): no create, no second graced roll.
    await expect(newKey(user.id)).rejects.toMatchObject({ code: "KEY_LIMIT_REACHED", message: expect.stringContaining("grace") });
    await expect(services.keys.roll(actor, made[2]!.record.id, null, 60)).rejects.toMatchObject({ code: "ALREADY_ROLLED" });
    await expect(services.keys.roll(actor, made[2]!.record.id, null, 0)).rejects.toMatchObject({ code: "ALREADY_ROLLED" });
    // Once the grace period is over the old key no longer counts.
    clock.t += 61_000;
    await expect(newKey(user.id)).resolves.toMatchObject({ record: { workspaceId: rolled.record.workspaceId } });
    expect(graced.record.workspaceId).toBe(rolled.record.workspaceId);
  });
});

describe("ownership through tRPC", () => {
  it("user B can neither see nor change user A's key; the id alone proves nothing", async () => {
    const a = await newUser();
    const b = await newUser();
    const { record } = await newKey(a.id);
    const asB = createCaller({ services, viewer: viewerOf(b) });
    expect(await asB.keys.list({})).toEqual([]);
    await expect(asB.keys.revoke({ id: record.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asB.keys.rename({ id: record.id, name: "mine now" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asB.keys.roll({ id: record.id, graceSeconds: 0 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asB.usage.series({ range: "day", keyId: record.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asB.usage.quota({ keyId: record.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asB.admin.keys.revoke({ keyId: record.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const row = await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } });
    expect(row).toMatchObject({ name: "test key", status: "active", rolledToId: null });

    const asA = createCaller({ services, viewer: viewerOf(a) });
    const renamed = await asA.keys.rename({ id: record.id, name: "  production  " });
    expect(renamed.name).toBe("production");
    expect((await asA.usage.quota({ keyId: record.id })).map((q) => [q.window, q.used, q.limit])).toEqual([
      ["minute", 0, 10], ["hour", 0, 100], ["day", 0, 1_000], ["month", 0, 10_000],
    ]);
    await expect(asA.keys.create({ name: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const anon = createCaller({ services, viewer: null });
    await expect(anon.keys.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
