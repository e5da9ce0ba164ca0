// Keys that carry policy, against the real PostgreSQL and Redis: permissions and roles from the
// catalogue, queried at verification; IP allowlists; test and live keys; a tier's maximum key
// lifetime; credits taken in the limit script (exact across two processes, refilled at the day
// and month boundary, reconciled into PostgreSQL and surviving a Redis emptied by a restart).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parsePermissionQuery, type PermissionQuery } from "@keyway/core";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { createCaller } from "./root.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const clock = { t: Date.UTC(2026, 11, 31, 23, 59, 0), now: () => clock.t };
const services = testServices({}, { clock: clock.now });
afterAll(() => services.close());
const query = (text: string) => (parsePermissionQuery(text) as { query: PermissionQuery }).query;
const tag = () => Math.random().toString(36).slice(2, 8);

async function person(role: "developer" | "admin" = "developer") {
  const user = await services.users.createWithPassword({ email: uniqueEmail(role), name: role, password: null, role, tier: "free" });
  // admins have a second factor (ADMIN_REQUIRE_2FA)
  if (role === "admin") await services.db.user.update({ where: { id: user.id }, data: { totpEnabledAt: new Date() } });
  const caller = createCaller({ services, viewer: viewerOf(user, { role, twoFactor: true }), client: { ip: "203.0.113.7", userAgent: "vitest" } });
  return { ...user, caller };
}

/** Polls until the cached record reflects a change (invalidation travels over pub/sub). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (ok(value) || i > 50) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("permissions", () => {
  it("a key is granted catalogue permissions and roles; a query names what is missing; changes to a role reach it", async () => {
    const admin = await person("admin");
    const owner = await person();
    const t = tag();
    for (const name of [`orders${t}.read`, `orders${t}.write`, `admin${t}`]) await admin.caller.admin.permissions.create({ name, description: `can ${name}` });
    await admin.caller.admin.roles.create({ name: `clerk${t}`, description: "reads orders", permissions: [`orders${t}.read`] });

    const created = await owner.caller.keys.create({ name: "restricted", permissions: [`admin${t}`], roles: [`clerk${t}`] });
    expect(created.record.permissions.map((p) => p.permissionName)).toEqual([`admin${t}`]);
    expect(created.record.roles.map((r) => r.roleName)).toEqual([`clerk${t}`]);

    const read = await services.verifier.verify(created.key, { permissions: query(`orders${t}.read AND admin${t}`) });
    expect(read).toMatchObject({ valid: true, permissions: [`admin${t}`, `orders${t}.read`] });
    expect(await services.verifier.verify(created.key, { permissions: query(`orders${t}.read AND (orders${t}.write OR nope${t})`) })).toMatchObject({
      valid: false,
      code: "INSUFFICIENT_PERMISSIONS",
      missing: `orders${t}.write OR nope${t}`,
    });

    // the role gains orders.write: the key holds it from its next request
    await admin.caller.admin.roles.update({ name: `clerk${t}`, description: "reads and writes", permissions: [`orders${t}.read`, `orders${t}.write`] });
    const after = await eventually(() => services.verifier.verify(created.key, { permissions: query(`orders${t}.write`) }), (r) => r.valid);
    expect(after.valid).toBe(true);

    // the permission leaves the catalogue: no key holds it any more
    await admin.caller.admin.permissions.remove({ name: `admin${t}` });
    expect((await eventually(() => services.verifier.verify(created.key, { permissions: query(`admin${t}`) }), (r) => !r.valid))).toMatchObject({ code: "INSUFFICIENT_PERMISSIONS" });

    const audit = await services.db.auditLog.findMany({ where: { action: { in: ["permission.create", "role.create", "role.update", "permission.delete"] }, actorId: admin.id }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(["permission.create", "permission.create", "permission.create", "permission.delete", "role.create", "role.update"]);
  });

  it("refuses unknown permissions and roles, naming them, and changes nothing", async () => {
    const owner = await person();
    const admin = await person("admin");
    const t = tag();
    await admin.caller.admin.permissions.create({ name: `known${t}` });
    await expect(owner.caller.keys.create({ name: "k", permissions: [`known${t}`, `unknown${t}`] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: `There is no permission named "unknown${t}" in the catalogue.`,
    });
    await expect(owner.caller.keys.create({ name: "k", roles: [`ghost${t}`] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: `There is no role named "ghost${t}".` });
    await expect(admin.caller.admin.roles.create({ name: `r${t}`, permissions: [`unknown${t}`] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.caller.admin.permissions.create({ name: "bad name" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.caller.admin.permissions.create({ name: `known${t}` })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await services.db.apiKey.count({ where: { userId: owner.id } })).toBe(0);
    expect(await services.db.keyRole.count({ where: { name: `r${t}` } })).toBe(0);

    const { record } = await owner.caller.keys.create({ name: "k" });
    await expect(owner.caller.keys.setPermissions({ id: record.id, permissions: [`unknown${t}`], roles: [] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await services.db.keyPermission.count({ where: { keyId: record.id } })).toBe(0);
    // a team's developer makes keys, but not restricted ones; the catalogue is the platform admins'
    const team = await owner.caller.workspaces.create({ name: `Team ${t}` });
    const developer = await person();
    await services.db.membership.create({ data: { workspaceId: team.id, userId: developer.id, role: "developer" } });
    await expect(developer.caller.keys.create({ workspaceId: team.id, name: "restricted", permissions: [`known${t}`] })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("needs the admin role") });
    await expect(developer.caller.keys.create({ workspaceId: team.id, name: "metered", credits: { remaining: 5, refill: null } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await developer.caller.keys.create({ workspaceId: team.id, name: "plain" })).record.permissions).toEqual([]);
    await expect(owner.caller.admin.permissions.create({ name: `mine${t}` })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("IP allowlist, environment, lifetime", () => {
  it("admits listed addresses and ranges (IPv4, IPv6) and refuses others with IP_NOT_ALLOWED", async () => {
    const owner = await person();
    const { key, record } = await owner.caller.keys.create({ name: "office", ipAllowlist: ["198.51.100.0/24", "2001:DB8::/32"] });
    expect(record.ipAllowlist).toEqual(["198.51.100.0/24", "2001:db8::/32"]);
    expect((await services.verifier.verify(key, { ip: "198.51.100.20" })).valid).toBe(true);
    expect((await services.verifier.verify(key, { ip: "2001:db8::7" })).valid).toBe(true);
    expect(await services.verifier.verify(key, { ip: "192.0.2.1" })).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });
    expect(await services.verifier.verify(key, {})).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });

    await expect(owner.caller.keys.setAllowlist({ id: record.id, ipAllowlist: ["10.0.0.0/33"] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("10.0.0.0/33") });
    await owner.caller.keys.setAllowlist({ id: record.id, ipAllowlist: [] });
    expect((await eventually(() => services.verifier.verify(key, { ip: "192.0.2.1" }), (r) => r.valid)).valid).toBe(true);
  });

  it("a test key says so at verification; live is the default", async () => {
    const owner = await person();
    const test = await owner.caller.keys.create({ name: "sandbox", environment: "test" });
    const live = await owner.caller.keys.create({ name: "prod" });
    expect(await services.verifier.verify(test.key)).toMatchObject({ valid: true, environment: "test" });
    expect(await services.verifier.verify(live.key)).toMatchObject({ valid: true, environment: "live" });
  });

  it("a tier's maximum lifetime applies at creation and roll", async () => {
    const admin = await person("admin");
    const name = `t${tag()}`.replace(/[^a-z0-9]/g, "").slice(0, 20);
    await admin.caller.admin.tiers.create({ name, description: "", limits: { minute: 10, hour: 100, day: 1000, month: 10000 }, maxKeyLifetimeDays: 90 });
    const owner = await person();
    await admin.caller.admin.users.setTier({ userId: owner.id, tier: name });
    await expect(owner.caller.keys.create({ name: "forever" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("90 days") });
    await expect(owner.caller.keys.create({ name: "long", expiresInDays: 91 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const ok = await owner.caller.keys.create({ name: "quarter", expiresInDays: 90 });
    expect(ok.record.expiresAt!.getTime()).toBe(clock.t + 90 * 86_400_000);

    // a key made before the policy (no expiry) rolls into one that expires within 90 days of the roll
    await admin.caller.admin.tiers.update({ name, description: "", limits: { minute: 10, hour: 100, day: 1000, month: 10000 }, maxKeyLifetimeDays: null });
    const old = await owner.caller.keys.create({ name: "old" });
    await admin.caller.admin.tiers.update({ name, description: "", limits: { minute: 10, hour: 100, day: 1000, month: 10000 }, maxKeyLifetimeDays: 30 });
    const rolled = await owner.caller.keys.roll({ id: old.record.id, graceSeconds: 0 });
    expect(rolled.record.expiresAt!.getTime()).toBe(clock.t + 30 * 86_400_000);
    await expect(admin.caller.admin.tiers.update({ name, description: "", limits: { minute: 10, hour: 100, day: 1000, month: 10000 }, maxKeyLifetimeDays: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("credits", () => {
  async function creditKey(credits: { remaining: number; refill: { amount: number; interval: "daily" | "monthly" } | null }) {
    const owner = await person();
    const admin = await person("admin");
    await admin.caller.admin.users.setTier({ userId: owner.id, tier: "enterprise" }); // limits far above the balances here
    const created = await owner.caller.keys.create({ name: "metered", credits });
    return { owner, ...created };
  }

  it("admits exactly the balance, then USAGE_EXCEEDED; a cost takes that many; cost 0 looks without taking", async () => {
    const { key } = await creditKey({ remaining: 10, refill: null });
    const answers = await Promise.all(Array.from({ length: 8 }, () => services.verifier.verify(key)));
    expect(answers.filter((a) => a.valid)).toHaveLength(8);
    expect(await services.verifier.verify(key, { cost: 3 })).toMatchObject({ valid: false, code: "USAGE_EXCEEDED" });
    expect(await services.verifier.verify(key, { cost: 0 })).toMatchObject({ valid: true, ratelimit: { credits: { key: 2 } } });
    expect(await services.verifier.verify(key, { cost: 2 })).toMatchObject({ valid: true, ratelimit: { credits: { key: 0 } } });
    expect(await services.verifier.verify(key)).toMatchObject({ valid: false, code: "USAGE_EXCEEDED", ratelimit: { outOfCredits: "key", credits: { key: 0 } } });
    expect(await services.verifier.verify(key, { cost: 0 })).toMatchObject({ valid: false, code: "USAGE_EXCEEDED" });
  });

  it("exactly N of 10N concurrent requests from two processes are admitted, the balance never below zero", async () => {
    for (const n of [1, 25]) {
      const { record } = await creditKey({ remaining: n, refill: null });
      const worker = () =>
        run(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "test/credit-worker.ts"), services.config.REDIS_URL, services.config.REDIS_KEY_PREFIX, services.config.DATABASE_URL, record.id, String(5 * n)], { cwd: root });
      const outputs = await Promise.all([worker(), worker()]);
      const results = outputs.map((o) => JSON.parse(o.stdout.trim()) as { allowed: number; outOfCredits: number });
      expect(results[0]!.allowed + results[1]!.allowed, `n = ${n}`).toBe(n);
      expect(results[0]!.outOfCredits + results[1]!.outOfCredits).toBe(9 * n);
      await services.credits.reconcileOnce();
      expect((await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).creditsRemaining).toBe(0);
    }
  });

  it("refills at 00:00 UTC (daily) and on the 1st (monthly), through the clock seam", async () => {
    clock.t = Date.UTC(2026, 11, 31, 23, 59, 0);
    const daily = await creditKey({ remaining: 2, refill: { amount: 5, interval: "daily" } });
    const monthly = await creditKey({ remaining: 1, refill: { amount: 3, interval: "monthly" } });
    for (const k of [daily.key, daily.key]) expect((await services.verifier.verify(k)).valid).toBe(true);
    expect((await services.verifier.verify(monthly.key)).valid).toBe(true);
    const refused = await services.verifier.verify(daily.key);
    expect(refused).toMatchObject({ code: "USAGE_EXCEEDED", ratelimit: { retryAfterMs: 60_000 } });
    expect(await services.verifier.verify(monthly.key)).toMatchObject({ code: "USAGE_EXCEEDED", ratelimit: { retryAfterMs: 60_000 } });

    clock.t = Date.UTC(2027, 0, 1, 0, 0, 1); // a new day and a new month
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await services.verifier.verify(daily.key)).valid);
    expect(answers).toEqual([true, true, true, true, true, false]);
    const month = [];
    for (let i = 0; i < 4; i++) month.push((await services.verifier.verify(monthly.key)).valid);
    expect(month).toEqual([true, true, true, false]);

    clock.t = Date.UTC(2027, 0, 2, 0, 0, 1); // the next day: daily refills, monthly does not
    expect((await services.verifier.verify(daily.key)).valid).toBe(true);
    expect((await services.verifier.verify(monthly.key)).valid).toBe(false);
    clock.t = Date.now();
  });

  it("a Redis restarted empty loses no balance: reconciled into PostgreSQL, taken back from there", async () => {
    const { key, record } = await creditKey({ remaining: 20, refill: null });
    for (let i = 0; i < 7; i++) expect((await services.verifier.verify(key)).valid).toBe(true);
    expect(await services.credits.live([{ scope: "key", id: record.id, workspaceId: record.workspaceId }])).toMatchObject([{ remaining: 13, seq: 7 }]);
    expect(await services.credits.reconcileOnce()).toBeGreaterThanOrEqual(1);
    expect((await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).creditsRemaining).toBe(13);
    expect(await services.credits.reconcileOnce()).toBe(0); // nothing new: nothing written

    // what a restart without persistence leaves: none of this run's keys
    const keys = await services.redis.keys(`${services.config.REDIS_KEY_PREFIX}*`);
    await Promise.all(keys.map((k) => services.redis.del(k.slice(services.config.REDIS_KEY_PREFIX.length))));
    expect(await services.credits.live([{ scope: "key", id: record.id, workspaceId: record.workspaceId }])).toEqual([null]);
    expect(await services.verifier.verify(key)).toMatchObject({ valid: true, ratelimit: { credits: { key: 12 } } });
    const rest = [];
    for (let i = 0; i < 13; i++) rest.push((await services.verifier.verify(key)).valid);
    expect(rest.filter(Boolean)).toHaveLength(12);
  });

  it("setting a balance replaces the live one at the key's next request; a workspace's balance is shared by its keys", async () => {
    const { key, record, owner } = await creditKey({ remaining: 1, refill: null });
    expect((await services.verifier.verify(key)).valid).toBe(true);
    expect((await services.verifier.verify(key)).valid).toBe(false);
    await owner.caller.keys.setCredits({ id: record.id, credits: { remaining: 2, refill: null } });
    expect((await eventually(() => services.verifier.verify(key), (r) => r.valid)).valid).toBe(true);
    expect((await services.verifier.verify(key)).valid).toBe(true);
    expect(await services.verifier.verify(key)).toMatchObject({ code: "USAGE_EXCEEDED" });

    const admin = await person("admin");
    const workspace = await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id }, select: { workspaceId: true } });
    const second = await owner.caller.keys.create({ name: "second" });
    await owner.caller.keys.setCredits({ id: record.id, credits: null });
    await admin.caller.admin.workspaces.setCredits({ workspaceId: workspace.workspaceId, credits: { remaining: 3, refill: null } });
    const both = [];
    for (let i = 0; i < 4; i++) both.push(await eventually(() => services.verifier.verify(i % 2 ? second.key : key), () => true));
    expect(both.map((r) => r.valid)).toEqual([true, true, true, false]);
    expect(both[3]).toMatchObject({ code: "USAGE_EXCEEDED", ratelimit: { outOfCredits: "workspace" } });
    await expect(admin.caller.admin.workspaces.setCredits({ workspaceId: workspace.workspaceId, credits: { remaining: -1, refill: null } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(owner.caller.keys.setCredits({ id: record.id, credits: { remaining: 1.5, refill: null } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
