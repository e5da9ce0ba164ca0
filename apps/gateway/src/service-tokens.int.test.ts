// Service tokens on the public API, against the real PostgreSQL and Redis: made by an admin (shown
// once, hashed at rest), scoped, expiring, revocable; the environment's token still works with
// every scope. Every refusal is one line with a stable code and changes nothing.
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { createPublicApi, fetchHandler } from "./public-api.ts";

const clock = { t: Date.now(), now: () => clock.t };
const services = testServices({}, { clock: clock.now });
const handle = fetchHandler(createPublicApi(services));
afterAll(() => services.close());
const admin = { id: null, role: "cli" as const };

async function keyFor() {
  const user = await services.users.createWithPassword({ email: uniqueEmail("tokens"), name: null, password: null, role: "developer", tier: "free" });
  return services.keys.create({ id: null, role: "system" }, { userId: user.id, name: "k" });
}
const verify = async (token: string, key = "ys_free_x") => {
  const res = await handle(new Request("http://localhost/api/v1/keys/verify", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ key }) }));
  return { status: res.status, body: (await res.json()) as { valid?: boolean; error?: { code: string; message: string } } };
};

describe("service tokens", () => {
  it("a new token is shown once and stored hashed; it verifies keys with its scope", async () => {
    const { token, record } = await services.serviceTokens.create(admin, { name: "checkout", scopes: ["keys.verify"], expiresInDays: 30 });
    expect(token).toMatch(/^kws_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);
    expect(record).not.toHaveProperty("hash");
    const row = await services.db.serviceToken.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(await services.serviceTokens.list())).not.toContain(token.slice(token.lastIndexOf("_") + 1));
    const { key } = await keyFor();
    expect(await verify(token, key)).toMatchObject({ status: 200, body: { valid: true } });
    await expect.poll(async () => (await services.db.serviceToken.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).not.toBeNull();
    const audit = await services.db.auditLog.findFirstOrThrow({ where: { action: "token.create" }, orderBy: { id: "desc" } });
    expect(JSON.stringify(audit.after)).not.toContain(token.slice(token.lastIndexOf("_") + 1));
  });

  it("a token without the scope is refused with 403 INSUFFICIENT_SCOPE, naming it; unknown, wrong secret, revoked and expired ones with 401", async () => {
    const { token: reader } = await services.serviceTokens.create(admin, { name: "reporting", scopes: ["usage.read"] });
    expect(await verify(reader)).toEqual({ status: 403, body: { error: { code: "INSUFFICIENT_SCOPE", message: 'The service token "reporting" lacks the keys.verify scope.' } } });

    const { token, record } = await services.serviceTokens.create(admin, { name: "soon revoked", scopes: ["keys.verify"] });
    const wrongSecret = `${token.slice(0, token.lastIndexOf("_") + 1)}${"A".repeat(32)}`;
    for (const bad of [wrongSecret, `kws_${"B".repeat(16)}_${"C".repeat(32)}`, "not-a-token", "x".repeat(300)]) {
      expect(await verify(bad), bad.slice(0, 30)).toMatchObject({ status: 401, body: { error: { code: "UNAUTHORIZED_SERVICE" } } });
    }
    expect((await verify(token)).status).toBe(200);
    await services.serviceTokens.revoke(admin, record.id);
    await expect(services.serviceTokens.revoke(admin, record.id)).rejects.toMatchObject({ code: "ALREADY_REVOKED" });
    // (the gateway trusts a check for 5 s: a revoked token stops within that)
    await expect.poll(async () => (await verify(token)).status, { timeout: 8_000, interval: 500 }).toBe(401);

    const { token: expiring } = await services.serviceTokens.create(admin, { name: "short-lived", scopes: ["keys.verify"], expiresInDays: 1 });
    expect((await verify(expiring)).status).toBe(200);
    clock.t += 86_400_000 + 1;
    await expect.poll(async () => (await verify(expiring)).status, { timeout: 8_000, interval: 500 }).toBe(401);
    clock.t = Date.now();
  });

  it("the environment's KEYWAY_SERVICE_TOKEN still works, with every scope", async () => {
    const { key } = await keyFor();
    expect(await verify(services.config.KEYWAY_SERVICE_TOKEN!, key)).toMatchObject({ status: 200, body: { valid: true } });
  });

  it("refuses a token with no scope, an unknown scope, and audits making and revoking", async () => {
    await expect(services.serviceTokens.create(admin, { name: "none", scopes: [] })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(services.serviceTokens.create(admin, { name: "bad", scopes: ["keys.everything" as never] })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await services.db.serviceToken.count({ where: { name: { in: ["none", "bad"] } } })).toBe(0);
    const actions = (await services.db.auditLog.findMany({ where: { action: { startsWith: "token." } }, select: { action: true } })).map((a) => a.action);
    expect(actions).toContain("token.create");
    expect(actions).toContain("token.revoke");
  });
});
