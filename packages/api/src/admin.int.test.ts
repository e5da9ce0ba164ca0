import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { createCaller } from "./root.ts";
import type { Viewer } from "@keyway/auth";

const services = testServices();
afterAll(() => services.close());

const tierName = () => `t${randomBytes(5).toString("hex")}`;
const limits = { minute: 10, hour: 100, day: 1_000, month: 10_000 };

async function user(role: "developer" | "admin" = "developer", tier = "free") {
  const u = await services.users.createWithPassword({ email: uniqueEmail(role), name: role, password: "long-enough-pass", role, tier });
  // Admins have a second factor (ADMIN_REQUIRE_2FA); the refusal without one is tested below.
  if (role === "admin") await services.db.user.update({ where: { id: u.id }, data: { totpEnabledAt: new Date() } });
  const viewer: Viewer = viewerOf(u, { name: role, role, tier, twoFactor: role === "admin" });
  return { ...u, viewer, caller: createCaller({ services, viewer, client: { ip: "203.0.113.5", userAgent: "vitest" } }) };
}

/** Waits (up to 1 s) for the verifier to see a change published over Redis pub/sub. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 1_000): Promise<{ value: T; after: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() - t0 > ms) return { value, after: Date.now() - t0 };
    await new Promise((r) => setTimeout(r, 10));
  }
}

let admin: Awaited<ReturnType<typeof user>>;
beforeAll(async () => {
  admin = await user("admin");
});

describe("authorization: every admin procedure, as anonymous, developer, a stale admin session, and admin", () => {
  it("only a current admin gets through; refused calls change nothing", async () => {
    const tier = tierName();
    await admin.caller.admin.tiers.create({ name: tier, description: "", limits });
    const target = await user("developer", tier);
    const key = await services.keys.create({ id: target.id, role: "developer" }, { userId: target.id, name: "k" });
    const customer = await services.admin.workspaces.create({ id: null, role: "system" }, { name: "Customer", tier: "free" });
    const perm = `p${randomBytes(4).toString("hex")}.read`;
    await services.catalogue.permissions.create({ id: null, role: "system" }, { name: perm, description: "" });
    await services.catalogue.roles.create({ id: null, role: "system" }, { name: `r${perm}`, description: "", permissions: [perm] });
    const token = await services.serviceTokens.create({ id: null, role: "system" }, { name: "matrix", scopes: ["keys.verify"] });
    const auditBefore = await services.db.auditLog.count();

    // What each procedure is called with; the admin runs them last, for real.
    const calls: [string, (c: ReturnType<typeof createCaller>) => Promise<unknown>][] = [
      ["overview", (c) => c.admin.overview({ range: "day" })],
      ["tiers.list", (c) => c.admin.tiers.list()],
      ["tiers.create", (c) => c.admin.tiers.create({ name: tierName(), description: "x", limits })],
      ["tiers.update", (c) => c.admin.tiers.update({ name: tier, description: "changed", limits: { ...limits, minute: 5 } })],
      ["tiers.remove", (c) => c.admin.tiers.remove({ name: tier })],
      ["users.list", (c) => c.admin.users.list({})],
      ["users.get", (c) => c.admin.users.get({ userId: target.id })],
      ["users.setTier", (c) => c.admin.users.setTier({ userId: target.id, tier: "pro" })],
      ["users.setRole", (c) => c.admin.users.setRole({ userId: target.id, role: "admin" })],
      ["users.setDisabled", (c) => c.admin.users.setDisabled({ userId: target.id, disabled: true })],
      ["keys.setLimits", (c) => c.admin.keys.setLimits({ keyId: key.record.id, limits: { minute: 3, hour: null, day: null, month: null } })],
      ["keys.revoke", (c) => c.admin.keys.revoke({ keyId: key.record.id })],
      ["workspaces.list", (c) => c.admin.workspaces.list({ q: "Customer" })],
      ["workspaces.get", (c) => c.admin.workspaces.get({ workspaceId: customer.id })],
      ["workspaces.create", (c) => c.admin.workspaces.create({ name: "Another customer" })],
      ["workspaces.setTier", (c) => c.admin.workspaces.setTier({ workspaceId: customer.id, tier: "pro" })],
      ["workspaces.setLimits", (c) => c.admin.workspaces.setLimits({ workspaceId: customer.id, limits: { minute: 5, hour: null, day: null, month: null } })],
      ["workspaces.setCredits", (c) => c.admin.workspaces.setCredits({ workspaceId: customer.id, credits: { remaining: 100, refill: { amount: 100, interval: "monthly" } } })],
      ["permissions.list", (c) => c.admin.permissions.list()],
      ["permissions.create", (c) => c.admin.permissions.create({ name: `new${perm}` })],
      ["permissions.update", (c) => c.admin.permissions.update({ name: perm, description: "changed" })],
      ["roles.list", (c) => c.admin.roles.list()],
      ["roles.create", (c) => c.admin.roles.create({ name: `new${perm}`, permissions: [perm] })],
      ["roles.update", (c) => c.admin.roles.update({ name: `r${perm}`, description: "changed", permissions: [] })],
      ["roles.remove", (c) => c.admin.roles.remove({ name: `r${perm}` })],
      ["permissions.remove", (c) => c.admin.permissions.remove({ name: perm })],
      ["tokens.list", (c) => c.admin.tokens.list()],
      ["tokens.create", (c) => c.admin.tokens.create({ name: `made ${perm}`, scopes: ["usage.read"] })],
      ["tokens.revoke", (c) => c.admin.tokens.revoke({ id: token.record.id })],
      ["usage.series", (c) => c.admin.usage.series({ range: "hour", userId: target.id })],
      ["usage.series of a workspace", (c) => c.admin.usage.series({ range: "hour", workspaceId: customer.id })],
      ["usage.quota", (c) => c.admin.usage.quota({ keyId: key.record.id })],
      ["audit.list", (c) => c.admin.audit.list({})],
      ["audit.actions", (c) => c.admin.audit.actions()],
    ];

    const anonymous = createCaller({ services, viewer: null });
    const developer = await user("developer");
    // A session that still claims admin, for a user who is a developer in the database now.
    const demoted = await user("admin");
    await services.db.user.update({ where: { id: demoted.id }, data: { role: "developer" } });
    for (const [name, call] of calls) {
      await expect(call(anonymous), `${name} as anonymous`).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      await expect(call(developer.caller), `${name} as developer`).rejects.toMatchObject({ code: "FORBIDDEN", message: "Admins only." });
      await expect(call(demoted.caller), `${name} as demoted admin`).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    // Nothing changed.
    expect(await services.db.auditLog.count()).toBe(auditBefore);
    expect(await services.db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ role: "developer", disabled: false });
    expect(await services.admin.users.get(target.id)).toMatchObject({ tierName: tier });
    expect(await services.db.apiKey.findUniqueOrThrow({ where: { id: key.record.id } })).toMatchObject({ status: "active", limitMinute: null });
    expect(await services.db.tier.findUniqueOrThrow({ where: { name: tier } })).toMatchObject({ perMinute: 10, description: "" });
    expect(await services.db.workspace.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ tierName: "free", limitMinute: null });
    expect(await services.db.workspace.count({ where: { name: "Another customer" } })).toBe(0);
    expect(await services.db.workspace.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ creditsRemaining: null });
    expect(await services.catalogue.roles.list()).toContainEqual(expect.objectContaining({ name: `r${perm}`, permissions: [perm] }));
    expect(await services.db.permission.count({ where: { name: { in: [perm, `new${perm}`] } } })).toBe(1);
    expect(await services.db.serviceToken.findUniqueOrThrow({ where: { id: token.record.id } })).toMatchObject({ revokedAt: null });
    expect(await services.db.serviceToken.count({ where: { name: `made ${perm}` } })).toBe(0);

    // The admin can do each (tiers.remove last: its users move away first).
    for (const [name, call] of calls) {
      if (name === "tiers.remove") continue;
      await expect(call(admin.caller).then(() => "ok"), name).resolves.toBe("ok");
    }
    await admin.caller.admin.users.setTier({ userId: target.id, tier: "free" });
    await expect(admin.caller.admin.tiers.remove({ name: tier })).resolves.toBeUndefined();
  });
});

describe("tiers", () => {
  it.each([
    [{ ...limits, minute: -1 }, "limits.minute: The per-minute limit must be at least 1."],
    [{ ...limits, minute: 0 }, "limits.minute: The per-minute limit must be at least 1."],
    [{ ...limits, hour: 1.5 }, "limits.hour: The per-hour limit must be a whole number."],
    [{ ...limits, month: 1e12 }, "limits.month: The per-month limit can be at most 1,000,000,000."],
    [{ ...limits, day: "100" }, "limits.day: The per-day limit must be a whole number."],
    [{ ...limits, minute: 200 }, "The per-minute limit (200) cannot be higher than the per-hour limit (100)."],
    [{ ...limits, day: 20_000 }, "The per-day limit (20000) cannot be higher than the per-month limit (10000)."],
  ])("refuses limits %j with a clear message", async (bad, message) => {
    const name = tierName();
    await expect(admin.caller.admin.tiers.create({ name, description: "", limits: bad as typeof limits })).rejects.toMatchObject({ code: "BAD_REQUEST", message });
    expect(await services.db.tier.findUnique({ where: { name } })).toBeNull();
  });

  it("refuses bad names and duplicates", async () => {
    await expect(admin.caller.admin.tiers.create({ name: "Gold Plan", description: "", limits })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "A tier name is 1 to 20 lowercase letters and digits (it appears in every key).",
    });
    await expect(admin.caller.admin.tiers.create({ name: "free", description: "", limits })).rejects.toMatchObject({ code: "CONFLICT", message: "A tier named free already exists." });
  });

  it("a limit change reaches every key on the tier within a second, and is audited", async () => {
    const tier = tierName();
    await admin.caller.admin.tiers.create({ name: tier, description: "Gold", limits });
    const dev = await user("developer", tier);
    const { key } = await services.keys.create(admin.viewer && { id: admin.id, role: "admin" }, { userId: dev.id, name: "k" });
    const first = await services.verifier.verify(key);
    expect(first).toMatchObject({ valid: true, limits });

    await admin.caller.admin.tiers.update({ name: tier, description: "Gold", limits: { minute: 3, hour: 300, day: 3_000, month: 30_000 } });
    const seen = await eventually(() => services.verifier.verify(key), (r) => "limits" in r && r.limits.minute === 3);
    expect(seen.value).toMatchObject({ limits: { minute: 3, hour: 300, day: 3_000, month: 30_000 } });
    expect(seen.after).toBeLessThan(1_000);

    const rows = await admin.caller.admin.audit.list({ action: "tier.update", actor: admin.email });
    expect(rows.rows[0]).toMatchObject({ actorEmail: admin.email, action: "tier.update", before: { name: tier, minute: 10 }, after: { name: tier, minute: 3 }, ip: "203.0.113.5" });
  });

  it("cannot delete a tier someone is on", async () => {
    const tier = tierName();
    await admin.caller.admin.tiers.create({ name: tier, description: "", limits });
    const dev = await user("developer", tier);
    await expect(admin.caller.admin.tiers.remove({ name: tier })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `1 workspace is on the ${tier} tier: move them to another tier first.`,
      cause: { code: "TIER_IN_USE" },
    });
    await admin.caller.admin.users.setTier({ userId: dev.id, tier: "free" });
    await admin.caller.admin.tiers.remove({ name: tier });
    expect((await admin.caller.admin.tiers.list()).map((t) => t.name)).not.toContain(tier);
  });
});

describe("users", () => {
  it("searches and pages, with active keys and requests in the last 24 hours", async () => {
    const tag = randomBytes(4).toString("hex");
    const made = [];
    for (let i = 0; i < 27; i++) {
      made.push(await services.users.createWithPassword({ email: `page-${tag}-${i}@example.test`, name: `Pat ${i}`, password: "long-enough-pass", role: "developer", tier: "free" }));
    }
    const first = await admin.caller.admin.users.list({ q: `PAGE-${tag}` });
    expect(first.total).toBe(27);
    expect(first.users).toHaveLength(25);
    const second = await admin.caller.admin.users.list({ q: `page-${tag}`, page: 1 });
    expect(second.users).toHaveLength(2);
    expect(new Set([...first.users, ...second.users].map((u) => u.id)).size).toBe(27);
    // LIKE wildcards are literal text, not patterns.
    expect((await admin.caller.admin.users.list({ q: `page-${tag}-%` })).total).toBe(0);
    expect((await admin.caller.admin.users.list({ q: "_" })).users.every((u) => u.email.includes("_") || u.name?.includes("_"))).toBe(true);

    const { key } = await services.keys.create({ id: made[0]!.id, role: "developer" }, { userId: made[0]!.id, name: "k" });
    for (let i = 0; i < 3; i++) await services.verifier.verify(key);
    await services.limiter.flush();
    await services.usage.flushOnce();
    const row = (await admin.caller.admin.users.list({ q: made[0]!.email })).users[0]!;
    expect(row).toMatchObject({ email: made[0]!.email, activeKeys: 1, requests24h: 3, role: "developer", tierName: "free" });
    expect(row.lastActiveAt).not.toBeNull();
  });

  it("disabling ends sessions and refuses the user's keys at once; enabling lets them back", async () => {
    const dev = await user();
    const { key } = await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: "k" });
    expect((await services.verifier.verify(key)).valid).toBe(true);
    const sid = await services.sessions.open(dev.id);

    await admin.caller.admin.users.setDisabled({ userId: dev.id, disabled: true });
    expect(await services.sessions.resolve(sid)).toBeNull();
    expect(await services.db.session.count({ where: { userId: dev.id } })).toBe(0);
    const refused = await eventually(() => services.verifier.verify(key), (r) => !r.valid);
    expect(refused.value).toEqual({ valid: false, code: "DISABLED_USER", prefix: expect.any(String) });

    await admin.caller.admin.users.setDisabled({ userId: dev.id, disabled: false });
    expect((await eventually(() => services.verifier.verify(key), (r) => r.valid)).value.valid).toBe(true);
    const actions = (await admin.caller.admin.audit.list({ target: dev.email })).rows.map((r) => r.action);
    expect(actions.slice(0, 2)).toEqual(["user.enable", "user.disable"]);
  });

  it("a tier change gives the user's keys the new limits on the next request", async () => {
    const dev = await user();
    const { key } = await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: "k" });
    expect(await services.verifier.verify(key)).toMatchObject({ limits: { minute: 10 } });
    await admin.caller.admin.users.setTier({ userId: dev.id, tier: "pro" });
    expect((await eventually(() => services.verifier.verify(key), (r) => "limits" in r && r.limits.minute === 100)).after).toBeLessThan(1_000);
    await expect(admin.caller.admin.users.setTier({ userId: dev.id, tier: "nosuchtier" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("the last enabled admin cannot be demoted or disabled, by themselves or anyone", async () => {
    // Make this admin the only one: demote every other enabled admin for the duration of the test.
    const others = await services.db.user.findMany({ where: { role: "admin", disabled: false, id: { not: admin.id } }, select: { id: true } });
    await services.db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "developer" } });
    try {
      await expect(admin.caller.admin.users.setRole({ userId: admin.id, role: "developer" })).rejects.toMatchObject({
        code: "PRECONDITION_FAILED",
        message: "This is the last enabled admin: make someone else an admin first.",
      });
      await expect(admin.caller.admin.users.setDisabled({ userId: admin.id, disabled: true })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect(await services.db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ role: "admin", disabled: false });
      // With a second admin, either may step down.
      const second = await user("developer");
      await admin.caller.admin.users.setRole({ userId: second.id, role: "admin" });
      await admin.caller.admin.users.setRole({ userId: second.id, role: "developer" });
    } finally {
      await services.db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "admin" } });
    }
  });
});

describe("one key", () => {
  it("overrides and clears a key's limits, revokes it, and shows its quota", async () => {
    const dev = await user();
    const { key, record } = await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: "k" });
    await services.verifier.verify(key);
    await admin.caller.admin.keys.setLimits({ keyId: record.id, limits: { minute: 2, hour: null, day: null, month: null } });
    await eventually(() => services.verifier.verify(key, { cost: 0 }), (r) => "limits" in r && r.limits.minute === 2);
    const quota = await admin.caller.admin.usage.quota({ keyId: record.id });
    expect(quota.find((q) => q.window === "minute")).toMatchObject({ limit: 2 });
    expect(quota.find((q) => q.window === "hour")).toMatchObject({ limit: 100 });
    await expect(admin.caller.admin.keys.setLimits({ keyId: record.id, limits: { minute: 0, hour: null, day: null, month: null } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "limits.minute: The per-minute limit must be at least 1.",
    });

    await admin.caller.admin.keys.setLimits({ keyId: record.id, limits: { minute: null, hour: null, day: null, month: null } });
    expect((await eventually(() => services.verifier.verify(key, { cost: 0 }), (r) => "limits" in r && r.limits.minute === 10)).value).toMatchObject({ limits: limits });

    await admin.caller.admin.keys.revoke({ keyId: record.id });
    expect((await eventually(() => services.verifier.verify(key), (r) => !r.valid)).value).toMatchObject({ code: "REVOKED" });
    const rows = (await admin.caller.admin.audit.list({ target: record.prefix })).rows;
    expect(rows.map((r) => r.action)).toEqual(["key.revoke", "key.limits", "key.limits", "key.create"]);
    expect(rows[0]).toMatchObject({ actorEmail: admin.email, actorRole: "admin", targetUserEmail: dev.email });
  });
});

describe("audit log", () => {
  it("pages newest first and filters by actor, target and action", async () => {
    const dev = await user();
    for (let i = 0; i < 5; i++) await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: `k${i}` });
    const page1 = await admin.caller.admin.audit.list({ actor: dev.email, action: "key.create" });
    expect(page1.rows).toHaveLength(5);
    expect(page1.next).toBeNull();
    const ids = page1.rows.map((r) => BigInt(r.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);

    const all = await services.admin.audit.list({ take: 2, actor: dev.id });
    expect(all.rows).toHaveLength(2);
    const next = await services.admin.audit.list({ take: 2, actor: dev.id, before: BigInt(all.next!) });
    expect(BigInt(next.rows[0]!.id)).toBeLessThan(BigInt(all.rows[1]!.id));
    expect(await admin.caller.admin.audit.actions()).toEqual(expect.arrayContaining(["key.create", "tier.update", "user.disable"]));
  });

  it("cannot be changed or deleted, even with the application's own database connection", async () => {
    const row = await services.db.auditLog.findFirstOrThrow();
    await expect(services.db.auditLog.update({ where: { id: row.id }, data: { action: "forged" } })).rejects.toThrow(/append-only/);
    await expect(services.db.auditLog.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
    await expect(services.db.$executeRawUnsafe(`TRUNCATE "AuditLog"`)).rejects.toThrow(/append-only/);
    expect(await services.db.auditLog.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });
});

describe("overview", () => {
  it("shows platform traffic and the keys that are busiest and most refused", async () => {
    const dev = await user();
    const { key, record } = await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: "hot" });
    await services.keys.setLimits({ id: admin.id, role: "admin" }, record.id, { minute: 1 });
    for (let i = 0; i < 4; i++) await services.verifier.verify(key);
    await services.limiter.flush();
    await services.usage.flushOnce();
    const o = await admin.caller.admin.overview({ range: "hour" });
    expect(o.points).toHaveLength(60);
    expect(o.totals.allowed + o.totals.rateLimited).toBeGreaterThanOrEqual(4);
    expect(o.refused.find((k) => k.keyId === record.id)).toMatchObject({ requests: 4, rateLimited: 3, email: dev.email, name: "hot" });
    expect(o.busiest.length).toBeGreaterThan(0);
    expect(JSON.stringify(o)).not.toMatch(/hash/i);
  });
});

describe("audit CSV", () => {
  it("quotes, escapes and defuses formulas", async () => {
    const { csvField } = await import("@keyway/server");
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField({ minute: 3 })).toBe('"{""minute"":3}"');
    expect(csvField(null)).toBe("");
  });

  it("streams every matching row, newest first, header first", async () => {
    const { auditCsv } = await import("@keyway/server");
    const dev = await user();
    for (let i = 0; i < 3; i++) await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: `=cmd|${i}` });
    let csv = "";
    for await (const chunk of auditCsv(services.admin.audit, { actor: dev.email })) csv += chunk;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,at,actor_email,actor_id,actor_role,action,target_user_email,target_user_id,target_key_prefix,target_workspace_id,target_workspace_name,before,after,ip");
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(`,${dev.email},`) && l.includes(",key.create,"))).toBe(true);
  });
});
