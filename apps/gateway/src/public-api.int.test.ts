// The public HTTP API through its framework-free handler, on real PostgreSQL and Redis.
import { afterAll, describe, expect, it } from "vitest";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { peerSignature, PEER_HEADER, PEER_SIGNATURE_HEADER } from "@keyway/core";
import { createPublicApi, fetchHandler } from "./public-api.ts";

const services = testServices();
const handle = fetchHandler(createPublicApi(services));
afterAll(() => services.close());
const TOKEN = services.config.KEYWAY_SERVICE_TOKEN!;
const actor = { id: null, role: "system" as const };

async function keyFor(tier = "free") {
  const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier });
  return services.keys.create(actor, { userId: user.id, name: "k" });
}

const echo = (headers: Record<string, string> = {}, init: RequestInit = {}) =>
  handle(new Request("http://localhost/api/v1/echo", { headers, ...init }));

describe("GET|POST /api/v1/echo", () => {
  it("answers 200 with the key id, tier and rate-limit headers (Bearer or X-API-Key)", async () => {
    const { key, record } = await keyFor();
    const res = await echo({ authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, keyId: record.id, tier: "free", method: "GET" });
    expect(res.headers.get("ratelimit-policy")).toBe('"minute";q=10;w=60, "hour";q=100;w=3600, "day";q=1000;w=86400, "month";q=10000;w=2592000');
    expect(res.headers.get("ratelimit")).toMatch(/^"minute";r=9;t=\d+$/);
    expect(res.headers.get("x-ratelimit-limit")).toBe("10");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("9");
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    const post = await echo({ "x-api-key": key }, { method: "POST", body: "{}" });
    expect(post.status).toBe(200);
    expect(post.headers.get("x-ratelimit-remaining")).toBe("8");
  });

  it("429 with the period and Retry-After once the minute is used up", async () => {
    const { key } = await keyFor();
    for (let i = 0; i < 10; i++) expect((await echo({ authorization: `Bearer ${key}` })).status).toBe(200);
    const res = await echo({ authorization: `Bearer ${key}` });
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string; period: string; message: string } };
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", period: "minute" });
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("counts the plan per workspace: 5 keys of a free user, 15 requests each within a minute, admit 10 in all", async () => {
    // what a user found: with limits per key, 50 of these 75 got through
    const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push((await services.keys.create(actor, { userId: user.id, name: `k${i}` })).key);
    const statuses = [];
    for (let round = 0; round < 15; round++) for (const key of keys) statuses.push((await echo({ authorization: `Bearer ${key}` })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(65);
    const refused = await echo({ authorization: `Bearer ${keys[4]}` });
    const body = (await refused.json()) as { error: { code: string; period: string; scope: string; message: string } };
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", period: "minute", scope: "workspace" });
    expect(body.error.message).toMatch(/workspace's plan \(Personal\)/);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("10");
  });

  it("a key's own lower limit refuses with scope key, and its headers describe that limit", async () => {
    const { key, record } = await keyFor("pro");
    await services.keys.setLimits(actor, record.id, { minute: 2 });
    const first = await echo({ authorization: `Bearer ${key}` });
    expect([first.headers.get("x-ratelimit-limit"), first.headers.get("x-ratelimit-remaining")]).toEqual(["2", "1"]);
    // each window's real limit: the key's own minute, the plan's others (never a window the key leaves open)
    expect(first.headers.get("ratelimit-policy")).toBe('"minute";q=2;w=60, "hour";q=2000;w=3600, "day";q=25000;w=86400, "month";q=500000;w=2592000');
    await echo({ authorization: `Bearer ${key}` });
    const refused = await echo({ authorization: `Bearer ${key}` });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { scope: string } }).error).toMatchObject({ code: "RATE_LIMITED", period: "minute", scope: "key" });
  });

  it.each([
    ["no key", {}, 401, "MISSING_KEY"],
    ["a blank key", { authorization: "Bearer    " }, 401, "MISSING_KEY"],
    ["a foreign token", { authorization: "Bearer sk_live_123" }, 401, "MALFORMED"],
    ["a wrong checksum", { "x-api-key": "ys_free_0123456789abcdef_" + "a".repeat(39) }, 401, "MALFORMED"],
    ["a 10 KB key", { "x-api-key": "y".repeat(10_000) }, 431, "HEADERS_TOO_LARGE"],
    ["a 600-character key", { "x-api-key": "y".repeat(600) }, 400, "KEY_TOO_LONG"],
  ])("refuses %s", async (_label, headers, status, code) => {
    const res = await echo(headers as Record<string, string>);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/\S/);
  });

  it("refuses two different keys at once, and ignores a key in the query string", async () => {
    const a = await keyFor();
    const b = await keyFor();
    const both = await echo({ authorization: `Bearer ${a.key}`, "x-api-key": b.key });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { code: string } }).error.code).toBe("AMBIGUOUS_KEY");
    const query = await handle(new Request(`http://localhost/api/v1/echo?api_key=${a.key}`));
    expect(query.status).toBe(401);
    expect(((await query.json()) as { error: { code: string } }).error.code).toBe("MISSING_KEY");
  });

  it("refuses a body over 16 KiB with 413 and an unknown path with 404", async () => {
    const { key } = await keyFor();
    const big = await echo({ "x-api-key": key, "content-length": String(20_000) }, { method: "POST", body: "x".repeat(20_000) });
    expect(big.status).toBe(413);
    expect((await handle(new Request("http://localhost/api/v1/nope"))).status).toBe(404);
    expect((await handle(new Request("http://localhost/api/v1/echo", { method: "DELETE" }))).status).toBe(405);
  });
});

describe("POST /api/v1/keys/verify and /api/v1/usage", () => {
  const post = (path: string, body: unknown, token: string | null = TOKEN) =>
    handle(new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }));

  it("needs the service token", async () => {
    for (const token of [null, "wrong-token"]) {
      const res = await post("/api/v1/keys/verify", { key: "x" }, token);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED_SERVICE");
    }
  });

  it("returns the verify result as JSON, valid or not", async () => {
    const { key, record } = await keyFor("pro");
    const ok = await post("/api/v1/keys/verify", { key });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      valid: true, keyId: record.id, tier: "pro", limits: { minute: 100 }, degraded: false, headers: { "X-RateLimit-Limit": "100" },
      workspace: { id: record.workspaceId, name: "Personal", plan: "pro" },
      remaining: { workspace: { minute: 99, hour: 1_999, day: 24_999, month: 499_999 }, key: null },
    });
    await services.keys.setLimits(actor, record.id, { hour: 50 });
    const own = await post("/api/v1/keys/verify", { key });
    expect(await own.json()).toMatchObject({ limits: { minute: 100, hour: 50 }, remaining: { workspace: { minute: 98 }, key: { hour: 49 } } });
    const bad = await post("/api/v1/keys/verify", { key: "nope" });
    expect(await bad.json()).toEqual({ valid: false, code: "MALFORMED", message: "That is not a Keyway API key (wrong format or checksum)." });
    expect((await post("/api/v1/keys/verify", "{not json")).status).toBe(400);
    expect((await post("/api/v1/keys/verify", { key: 42 })).status).toBe(400);
  });

  it("records each verification in the key's recent verifications: the client's address from the body, the signed portal header, never a forged one", async () => {
    const { key, record } = await keyFor();
    const recent = () => services.usage.recent(record.id, record.workspaceId);
    expect((await post("/api/v1/keys/verify", { key, ip: "2001:db8::1" })).status).toBe(200);
    await echo({ authorization: `Bearer ${key}`, [PEER_HEADER]: "198.51.100.4", [PEER_SIGNATURE_HEADER]: peerSignature(services.config.AUTH_SECRET, "198.51.100.4") });
    await echo({ authorization: `Bearer ${key}`, [PEER_HEADER]: "198.51.100.66", [PEER_SIGNATURE_HEADER]: peerSignature("another-installation's-secret-000000", "198.51.100.66") });
    await echo({ authorization: `Bearer ${key}`, "x-forwarded-for": "198.51.100.77" }); // no trusted proxy: ignored
    expect((await recent()).map((r) => [r.code, r.ip])).toEqual([["VALID", null], ["VALID", null], ["VALID", "198.51.100.4"], ["VALID", "2001:db8::1"]]);
    await services.keys.revoke(actor, record.id, record.workspaceId);
    await services.verifier.invalidate({ keyId: record.id });
    expect((await echo({ authorization: `Bearer ${key}` })).status).toBe(401);
    await services.limiter.flush();
    expect((await recent())[0]).toMatchObject({ code: "REVOKED", refusedBy: null });
  });

  it("takes a cost: the request uses that many units of every limit; 0 checks without using any", async () => {
    const { key } = await keyFor(); // free: 10 a minute
    const remaining = async (cost?: number) => {
      const body = (await (await post("/api/v1/keys/verify", { key, ...(cost === undefined ? {} : { cost }) })).json()) as { valid: boolean; remaining: { workspace: { minute: number } } };
      return [body.valid, body.remaining.workspace.minute];
    };
    expect(await remaining(4)).toEqual([true, 6]);
    expect(await remaining(0)).toEqual([true, 6]);
    expect(await remaining()).toEqual([true, 5]);
    expect(await remaining(6)).toEqual([false, 5]); // 5 left: refused whole
    expect(await remaining(5)).toEqual([true, 0]);
    expect(await remaining(0)).toEqual([false, 0]);
  });

  it("answers a key's policy: its environment, permissions and credits when valid; INSUFFICIENT_PERMISSIONS, IP_NOT_ALLOWED and USAGE_EXCEEDED (with Retry-After until the refill) when not", async () => {
    const system = { id: null, role: "system" as const };
    const name = `reports${Math.random().toString(36).slice(2, 8)}.read`;
    await services.catalogue.permissions.create(system, { name, description: "" });
    const user = await services.users.createWithPassword({ email: uniqueEmail("policy"), name: null, password: null, role: "developer", tier: "enterprise" });
    const { key } = await services.keys.create(system, {
      userId: user.id, name: "policy", environment: "test", grants: { permissions: [name], roles: [] }, ipAllowlist: ["2001:db8::/32"], credits: { remaining: 1, refill: { amount: 100, interval: "daily" } },
    });
    const verify = async (body: object) => (await post("/api/v1/keys/verify", { key, ip: "2001:db8::1", ...body })).json() as Promise<Record<string, unknown>>;
    expect(await verify({ permissions: name })).toMatchObject({ valid: true, environment: "test", permissions: [name], credits: 0 });
    expect(await verify({ permissions: `${name} AND other.write` })).toMatchObject({ valid: false, code: "INSUFFICIENT_PERMISSIONS", missing: "other.write" });
    expect(await verify({ ip: "192.0.2.1" })).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });
    const res = await post("/api/v1/keys/verify", { key, ip: "2001:db8::1" });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ valid: false, code: "USAGE_EXCEEDED", scope: "key", credits: 0, environment: "test" });
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(86_400);
  });

  it("records outcomes for the usage charts", async () => {
    const { record } = await keyFor();
    expect((await post("/api/v1/usage", { keyId: record.id, success: true })).status).toBe(202);
    expect((await post("/api/v1/usage", { keyId: record.id, success: false })).status).toBe(202);
    expect((await post("/api/v1/usage", { keyId: "0123456789abcdef", success: true })).status).toBe(404);
    expect((await post("/api/v1/usage", { keyId: "'; DROP TABLE--", success: true })).status).toBe(400);
    expect((await post("/api/v1/usage", { keyId: record.id, success: "yes" })).status).toBe(400);
    await services.recorder.flush();
    const summary = await services.usage.summary(record.id);
    expect(summary).toMatchObject({ successful: 1, failed: 1 });
  });
});
