// Hostile input against every tRPC procedure that takes text or numbers, through tRPC's own fetch
// adapter (the portal's route adds the body and batch caps, tested in e2e/accounts.spec.ts): each
// gets a 4xx with a one-line message and changes nothing; no answer is a 500, and no answer or
// log line holds a password, token, hash or stack trace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { appRouter } from "./root.ts";
import type { Viewer } from "@keyway/auth";

const logLines: string[] = [];
const services = testServices({ LOG_LEVEL: "debug" }, {
  logDestination: new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  }),
});
afterAll(() => services.close());
const answers: { status: number; body: string }[] = [];
const secrets: string[] = [];

let developer: Viewer;
let admin: Viewer;
let keyId = "";
let teamId = "";
beforeAll(async () => {
  const password = "hostile-password-1";
  secrets.push(password);
  const dev = await services.users.createWithPassword({ email: uniqueEmail("hostile-dev"), name: null, password, role: "developer", tier: "free" });
  const adm = await services.users.createWithPassword({ email: uniqueEmail("hostile-admin"), name: null, password, role: "admin", tier: "free" });
  await services.db.user.update({ where: { id: adm.id }, data: { totpEnabledAt: new Date() } });
  developer = viewerOf(dev);
  admin = viewerOf(adm, { role: "admin", twoFactor: true });
  const created = await services.keys.create({ id: dev.id, role: "developer" }, { userId: dev.id, name: "target" });
  keyId = created.record.id;
  teamId = (await services.workspaces.create({ id: dev.id, role: "developer" }, "Hostile team")).id;
  secrets.push(created.key, (await services.db.user.findUniqueOrThrow({ where: { id: dev.id } })).passwordHash!);
});

/** One call as the portal's client sends it (superjson), answered by tRPC's fetch adapter. */
async function call(viewer: Viewer | null, path: string, input: unknown, method: "GET" | "POST" = "POST") {
  const json = JSON.stringify(superjson.serialize(input));
  const url = `http://localhost/api/trpc/${path}${method === "GET" ? `?input=${encodeURIComponent(json)}` : ""}`;
  const req = new Request(url, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? json : undefined });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => ({ services, viewer, client: { ip: "203.0.113.66", userAgent: "hostile" } }) });
  const body = await res.text();
  answers.push({ status: res.status, body });
  const error = (JSON.parse(body) as { error?: { json: { message: string; data: { httpStatus: number } } } }).error?.json;
  return { status: res.status, message: error?.message ?? null };
}

const NUL = "\u0000";
describe("control characters and out-of-range numbers", () => {
  it.each([
    ["key name", () => call(developer, "keys.create", { name: `a${NUL}b` }), "name"],
    ["rename", () => call(developer, "keys.rename", { id: keyId, name: `a${NUL}` }), "name"],
    ["key metadata key", () => call(developer, "keys.create", { name: "m", metadata: { [`k${NUL}`]: "v" } }), "metadata.(a key)"],
    ["key metadata value", () => call(developer, "keys.create", { name: "m", metadata: { k: `v${NUL}` } }), "metadata.k"],
    ["user search", () => call(admin, "admin.users.list", { q: `x${NUL}` }, "GET"), "q"],
    ["audit actor filter", () => call(admin, "admin.audit.list", { actor: `x${NUL}` }, "GET"), "actor"],
    ["audit action filter", () => call(admin, "admin.audit.list", { action: `key.create${NUL}` }, "GET"), "action"],
    ["tier description", () => call(admin, "admin.tiers.create", { name: "hostile", description: `d${NUL}`, limits: { minute: 1, hour: 2, day: 3, month: 4 } }), "description"],
    ["sign-up name", () => call(null, "account.signUp", { email: uniqueEmail(), name: "Eve\u001b[31m", password: "long-enough-pass" }), "name"],
    ["a password", () => call(developer, "settings.changePassword", { current: `x${NUL}`, next: "long-enough-pass" }), "current"],
    ["a two-factor code", () => call(developer, "settings.twoFactor.confirm", { code: `12345${NUL}` }), "code"],
    ["a mailed link's token", () => call(null, "account.verifyEmail", { token: `t${NUL}`.repeat(20) }), "token"],
    ["a new workspace's name", () => call(developer, "workspaces.create", { name: `Team${NUL}` }), "name"],
    ["a workspace's new name", () => call(developer, "workspaces.rename", { workspaceId: teamId, name: `Team\u2028x` }), "name"],
    ["an invited address", () => call(developer, "workspaces.invite", { workspaceId: teamId, email: `a${NUL}@example.test`, role: "viewer" }), "email"],
    ["an invitation link's token", () => call(developer, "invitations.preview", { token: `t${NUL}`.repeat(20) }, "GET"), "token"],
    ["a customer's external id", () => call(admin, "admin.workspaces.create", { name: "Hostile customer", externalId: `cus${NUL}` }), "externalId"],
    ["workspace search", () => call(admin, "admin.workspaces.list", { q: `x${NUL}` }, "GET"), "q"],
    ["a key's new metadata", () => call(developer, "keys.setMetadata", { id: keyId, metadata: { k: `v${NUL}` } }), "metadata.k"],
    ["a permission's name", () => call(admin, "admin.permissions.create", { name: `orders${NUL}` }), "name"],
    ["a role's description", () => call(admin, "admin.roles.create", { name: "hostile.role", description: `d${NUL}`, permissions: [] }), "description"],
    ["an allowlist entry", () => call(developer, "keys.setAllowlist", { id: keyId, ipAllowlist: [`10.0.0.1${NUL}`] }), "ipAllowlist.0"],
    ["a service token's name", () => call(admin, "admin.tokens.create", { name: `billing${NUL}`, scopes: ["keys.verify"] }), "name"],
  ])("%s: 400 naming the field", async (_what, run, field) => {
    const res = await run();
    expect(res.status).toBe(400);
    expect(res.message).toBe(`${field}: control characters are not allowed.`);
  });

  it("allows newlines where text is multi-line (a tier description), nowhere else", async () => {
    const ok = await call(admin, "admin.tiers.create", { name: `ml${Date.now().toString(36).slice(-6)}`, description: "line one\nline two", limits: { minute: 1, hour: 2, day: 3, month: 4 } });
    expect(ok.status).toBe(200);
    expect((await call(developer, "keys.create", { name: "two\nlines" })).status).toBe(400);
  });

  it("refuses an audit cursor past the bigint column with 400, not 500", async () => {
    const res = await call(admin, "admin.audit.list", { cursor: "9999999999999999999" }, "GET");
    expect([res.status, res.message]).toEqual([400, "cursor: Not a cursor."]);
    expect((await call(admin, "admin.audit.list", { cursor: "9223372036854775807" }, "GET")).status).toBe(200);
  });

  it("refuses malformed workspace and invitation ids, roles and addresses with 400, unknown ones with 404", async () => {
    for (const workspaceId of ["../../etc/passwd", "' OR 1=1 --", "x".repeat(65), ""]) {
      expect((await call(developer, "keys.list", { workspaceId }, "GET")).message).toBe("workspaceId: Not a workspace id.");
    }
    expect(await call(developer, "keys.list", { workspaceId: "nosuchworkspace" }, "GET")).toEqual({ status: 404, message: "No such workspace." });
    expect((await call(developer, "workspaces.invite", { workspaceId: teamId, email: "two@@example.test", role: "viewer" })).status).toBe(400);
    expect((await call(developer, "workspaces.invite", { workspaceId: teamId, email: uniqueEmail(), role: "superuser" })).status).toBe(400);
    expect((await call(developer, "workspaces.setRole", { workspaceId: teamId, userId: developer.id, role: ["owner"] })).status).toBe(400);
    expect((await call(developer, "invitations.accept", { id: "' OR 1=1 --" })).status).toBe(400);
    expect((await call(developer, "invitations.accept", { id: "nosuchinvitation" })).status).toBe(404);
    expect((await call(developer, "invitations.preview", { token: "a".repeat(43) }, "GET")).status).toBe(400);
    expect((await call(developer, "workspaces.remove", { workspaceId: teamId, confirmName: 42 })).status).toBe(400);
  });

  it("refuses bad metadata, key ids, workspace ids and audit days on the key page's, overview's and audit's procedures", async () => {
    for (const metadata of [["a"], "text", 42, null, { big: "x".repeat(5_000) }, { "": 1 }]) {
      expect((await call(developer, "keys.setMetadata", { id: keyId, metadata })).status, JSON.stringify(metadata).slice(0, 40)).toBe(400);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 1_000; i++) deep = [deep]; // (about as deep as 4 KiB allows: accepted, then put back)
    expect((await call(developer, "keys.setMetadata", { id: keyId, metadata: { deep } })).status).toBe(200);
    await services.keys.setMetadata({ id: developer.id, role: "developer" }, keyId, null, {});
    for (const path of ["keys.get", "keys.recent"]) {
      expect(await call(developer, path, { id: "../../etc/passwd" }, "GET")).toEqual({ status: 400, message: "id: Not a key id." });
      expect((await call(developer, path, { id: "A".repeat(16) }, "GET")).status).toBe(404);
    }
    for (const path of ["workspaces.activity", "usage.workspaceQuota"]) {
      expect((await call(developer, path, { workspaceId: "' OR 1=1 --" }, "GET")).message).toBe("workspaceId: Not a workspace id.");
    }
    expect((await call(admin, "admin.audit.list", { from: "yesterday" }, "GET")).status).toBe(400);
    expect((await call(admin, "admin.audit.list", { from: new Date(Number.NaN) }, "GET")).status).toBe(400);
  });

  it("refuses bad policy: unknown or malformed permissions, malformed CIDRs, bad credits and environments; nothing changes", async () => {
    const refused = async (viewer: Viewer, path: string, input: object) => {
      const res = await call(viewer, path, input);
      expect(res.status, `${path} ${JSON.stringify(input).slice(0, 80)}`).toBe(400);
      return res.message;
    };
    expect(await refused(developer, "keys.setPermissions", { id: keyId, permissions: ["no.such.permission"], roles: [] })).toBe('There is no permission named "no.such.permission" in the catalogue.');
    expect(await refused(developer, "keys.setPermissions", { id: keyId, permissions: [], roles: ["no-such-role"] })).toBe('There is no role named "no-such-role".');
    for (const permissions of [["orders read"], ["' OR 1=1"], [""], ["a".repeat(101)], "orders.read", [42], Array.from({ length: 101 }, (_, i) => `p${i}`)]) {
      await refused(developer, "keys.setPermissions", { id: keyId, permissions, roles: [] });
      await refused(developer, "keys.create", { name: "restricted", permissions });
    }
    for (const entry of ["10.0.0.0/33", "999.0.0.1", "10.0.0.0/8/8", "fe80::/129", "example.com", "", "::ffff:1.2.3.4/200"]) {
      expect(await refused(developer, "keys.setAllowlist", { id: keyId, ipAllowlist: ["192.0.2.1", entry] })).toMatch(/^ipAllowlist\.1: /);
    }
    await refused(developer, "keys.setAllowlist", { id: keyId, ipAllowlist: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) });
    for (const credits of [{ remaining: -1, refill: null }, { remaining: 1.5, refill: null }, { remaining: 2 ** 40, refill: null }, { remaining: 1, refill: { amount: 5, interval: "weekly" } }, { remaining: 1, refill: { amount: -5, interval: "daily" } }, { remaining: "10", refill: null }, 5]) {
      await refused(developer, "keys.setCredits", { id: keyId, credits });
    }
    await refused(admin, "admin.workspaces.setCredits", { workspaceId: teamId, credits: { remaining: -1, refill: null } });
    await refused(developer, "keys.create", { name: "env", environment: "staging" });
    await refused(admin, "admin.tiers.create", { name: "lifetime", description: "", limits: { minute: 1, hour: 2, day: 3, month: 4 }, maxKeyLifetimeDays: 0 });
    await refused(admin, "admin.roles.create", { name: "hostile.role", permissions: ["no.such.permission"] });
    for (const input of [{ name: "t", scopes: [] }, { name: "t", scopes: ["keys.everything"] }, { name: "t", scopes: "keys.verify" }, { name: "", scopes: ["keys.verify"] }, { name: "t", scopes: ["keys.verify"], expiresInDays: 0 }]) {
      await refused(admin, "admin.tokens.create", input);
    }
    await refused(admin, "admin.tokens.revoke", { id: "../../etc" });
    expect(await services.db.serviceToken.count({ where: { name: "t" } })).toBe(0);
    const key = await services.keys.get(keyId, null);
    expect([key.permissions, key.roles, key.ipAllowlist, key.creditsRemaining]).toEqual([[], [], [], null]);
    expect(await services.db.keyRole.count({ where: { name: "hostile.role" } })).toBe(0);
  });

  it("refuses numbers beyond their columns", async () => {
    expect((await call(developer, "keys.setLimits", { workspaceId: teamId, id: keyId, limits: { minute: 2 ** 31, hour: null, day: null, month: null } })).status).toBe(400);
    expect((await call(admin, "admin.workspaces.setLimits", { workspaceId: teamId, limits: { minute: -1, hour: null, day: null, month: null } })).status).toBe(400);
    expect((await call(admin, "admin.workspaces.list", { page: -1 }, "GET")).status).toBe(400);
    expect((await call(admin, "admin.keys.setLimits", { keyId, limits: { minute: 2 ** 31, hour: null, day: null, month: null } })).status).toBe(400);
    expect((await call(admin, "admin.users.list", { page: 1e12 }, "GET")).status).toBe(400);
    expect((await call(developer, "keys.create", { name: "x", expiresInDays: 1e9 })).status).toBe(400);
    expect((await call(developer, "keys.roll", { id: keyId, graceSeconds: -1 })).status).toBe(400);
  });

  it("changed nothing: the key keeps its name, no tier or user was made by the refused calls", async () => {
    expect((await services.keys.get(keyId, null)).name).toBe("target");
    expect((await services.keys.get(keyId, null)).metadata).toEqual({});
    expect(await services.db.tier.findUnique({ where: { name: "hostile" } })).toBeNull();
    expect(await services.db.apiKey.count({ where: { userId: developer.id } })).toBe(1);
    expect((await services.workspaces.listFor(developer.id)).map((w) => w.name)).toEqual(["Personal", "Hostile team"]);
    expect(await services.db.invitation.count({ where: { workspaceId: teamId } })).toBe(0);
    expect(await services.db.workspace.count({ where: { name: "Hostile customer" } })).toBe(0);
  });

  it("no answer was a 500, and no answer or log line holds a secret or a stack trace", () => {
    expect(answers.length).toBeGreaterThan(15);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const everything = [...answers.map((a) => a.body), ...logLines].join("\n");
    for (const s of secrets) expect(everything.includes(s)).toBe(false);
    expect(everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
