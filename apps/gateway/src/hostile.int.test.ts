// Hostile input against the gateway (its node:http adapter) over real sockets:
// every case gets the right 4xx with a stable code, never a 500, and no secret, hash or stack
// trace appears in any response or log line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { formatKey, hashKey, randomBase62 } from "@keyway/core";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { createMetricsServer, createPublicServer } from "./node-server.ts";

const logLines: string[] = [];
const services = testServices({ LOG_LEVEL: "debug" }, {
  logDestination: new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  }),
});
const server = createPublicServer(services);
const metricsServer = createMetricsServer(services);
let base = "";
let metricsBase = "";
const TOKEN = services.config.KEYWAY_SERVICE_TOKEN!;
const secrets: string[] = []; // every full key and hash made here: none may appear in any output
const bodies: string[] = [];
const statuses: number[] = []; // every status answered here

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => metricsServer.listen(0, "127.0.0.1", resolve));
  metricsBase = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  metricsServer.close();
  await services.close();
});

async function newKey(opts: { expiresInDays?: number } = {}) {
  const user = await services.users.createWithPassword({ email: uniqueEmail("hostile"), name: "H", password: "long-enough-pass", role: "developer", tier: "enterprise" });
  const created = await services.keys.create({ id: user.id, role: "developer" }, { userId: user.id, name: "k", ...opts });
  secrets.push(created.key, hashKey(created.key), created.key.slice(created.key.lastIndexOf("_") + 1));
  return { ...created, userId: user.id };
}

/** Sends raw bytes (for what fetch refuses to send: CR/LF, NUL, duplicate headers) and returns the status line and body. */
function raw(request: string | Buffer): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => (data += d.toString("latin1")));
    socket.on("end", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const body = data.split("\r\n\r\n").slice(1).join("\r\n\r\n");
      bodies.push(data);
      statuses.push(status);
      resolve({ status, body });
    });
    socket.on("error", reject);
    socket.end(request);
  });
}

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; code: string | null; body: string; headers: Headers }> {
  const res = await fetch(base + path, init);
  const body = await res.text();
  bodies.push(body, JSON.stringify([...res.headers]));
  statuses.push(res.status);
  let code: string | null = null;
  try {
    code = (JSON.parse(body) as { error?: { code?: string }; code?: string }).error?.code ?? (JSON.parse(body) as { code?: string }).code ?? null;
  } catch {
    code = null;
  }
  return { status: res.status, code, body, headers: res.headers };
}

const echo = (key: string) => call("/api/v1/echo", { headers: { authorization: `Bearer ${key}` } });
const verify = (body: unknown) =>
  call("/api/v1/keys/verify", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("malformed keys, on the sample API and on /keys/verify", async () => {
  const good = formatKey("free", randomBase62(16), randomBase62(33));
  const [, , id, secret] = good.split("_") as [string, string, string, string];
  const withChecksum = (tier: string, kid: string, body: string) => formatKey(tier, kid, body);
  // [what, key, code on the sample API, code from /keys/verify]; one code means both.
  const cases: [string, string, string, string?][] = [
    ["empty", "", "MISSING_KEY"],
    ["whitespace", "    ", "MISSING_KEY"],
    ["a foreign prefix", `sk_live_${id}_${secret}`, "MALFORMED"],
    ["an extra underscore", `ys_free_${id}__${secret}`, "MALFORMED"],
    ["a missing underscore", `ys_free${id}_${secret}`, "MALFORMED"],
    ["a wrong tier segment", good.replace("ys_free_", "ys_pro_"), "MALFORMED"],
    ["an upper-case tier", good.replace("ys_free_", "ys_FREE_"), "MALFORMED"],
    ["a wrong checksum", good.slice(0, -1) + (good.endsWith("A") ? "B" : "A"), "MALFORMED"],
    ["a secret one character short", withChecksum("free", id, randomBase62(32)), "MALFORMED"],
    ["a secret one character long", withChecksum("free", id, randomBase62(34)), "MALFORMED"],
    ["a Cyrillic look-alike", good.replace("y", "у"), "MALFORMED"],
    ["a zero-width space", good.slice(0, 10) + "\u200b" + good.slice(10), "MALFORMED"],
    ["SQL in the id", `ys_free_' OR 1=1 --_${secret}`, "MALFORMED"],
    ["LIKE patterns in the id", `ys_free_%%%%%%%%________${secret}`, "MALFORMED"],
    ["a 10 KB key", "ys_free_" + "a".repeat(10_000), "HEADERS_TOO_LARGE", "INVALID_BODY"],
  ];
  it.each(cases)("%s", async (_what, key, echoCode, verifyCode = echoCode) => {
    if (/^[\x20-\x7e]*$/.test(key)) {
      // (fetch cannot send non-ASCII header values; those go through /keys/verify only)
      const viaEcho = await echo(key);
      if (key.length > 512) expect([viaEcho.status, viaEcho.code]).toEqual([431, "HEADERS_TOO_LARGE"]);
      else expect([viaEcho.status, viaEcho.code]).toEqual([401, echoCode]);
    }
    const viaVerify = await verify({ key });
    if (key.length > 512) {
      expect([viaVerify.status, viaVerify.code]).toEqual([400, "INVALID_BODY"]);
    } else {
      expect(viaVerify.status).toBe(200);
      expect(JSON.parse(viaVerify.body)).toMatchObject({ valid: false, code: verifyCode });
    }
  });

  it("right id with a wrong secret of the same length is INVALID_KEY, like an unknown id", async () => {
    const { key, record } = await newKey();
    const forged = formatKey("enterprise", record.id, randomBase62(33));
    expect((await echo(forged)).code).toBe("INVALID_KEY");
    expect(JSON.parse((await verify({ key: forged })).body)).toMatchObject({ valid: false, code: "INVALID_KEY" });
    expect((await echo(key)).status).toBe(200);
  });
});

describe("transport-level abuse", () => {
  it("CR/LF, NUL and control characters in the key header: 400 from the HTTP parser, nothing reaches a handler", async () => {
    for (const bad of ["ys_free_a\r\nX-Injected: 1", "ys_free_a\0b", "ys_free_\x01\x02"]) {
      const res = await raw(`GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bad}\r\nConnection: close\r\n\r\n`);
      expect([400, 401]).toContain(res.status);
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it("duplicate Authorization headers with different keys are refused, not guessed", async () => {
    const a = await newKey();
    const b = await newKey();
    const res = await raw(`GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${a.key}\r\nAuthorization: Bearer ${b.key}\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe("MALFORMED");
    const both = await call("/api/v1/echo", { headers: { authorization: `Bearer ${a.key}`, "x-api-key": b.key } });
    expect([both.status, both.code]).toEqual([400, "AMBIGUOUS_KEY"]);
  });

  it("a key in the query string is ignored: MISSING_KEY", async () => {
    const { key } = await newKey();
    const res = await call(`/api/v1/echo?api_key=${key}&key=${key}`);
    expect([res.status, res.code]).toEqual([401, "MISSING_KEY"]);
  });

  it("headers over 8 KB: 431; over Node's 16 KB limit: 431 before any handler", async () => {
    const big = await call("/api/v1/echo", { headers: { authorization: `Bearer ys_free_${"a".repeat(10_000)}` } });
    expect([big.status, big.code]).toEqual([431, "HEADERS_TOO_LARGE"]);
    const huge = await raw(`GET /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(1_000_000)}\r\nConnection: close\r\n\r\n`);
    expect(huge.status).toBe(431);
  });

  it("bodies over 16 KB: 413, declared or streamed", async () => {
    const { key } = await newKey();
    const mb = "x".repeat(1_000_000);
    const declared = await call("/api/v1/echo", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: mb });
    expect([declared.status, declared.code]).toEqual([413, "BODY_TOO_LARGE"]);
    const v = await verify(JSON.stringify({ key, pad: mb }));
    expect([v.status, v.code]).toEqual([413, "BODY_TOO_LARGE"]);
    const chunked = await raw(
      `POST /api/v1/keys/verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `100000\r\n${"y".repeat(0x100000)}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
  });

  it("bad bodies on the service endpoints: 400 INVALID_BODY; no or a wrong token: 401", async () => {
    expect((await verify("{not json")).code).toBe("INVALID_BODY");
    expect((await verify({ key: 42 })).code).toBe("INVALID_BODY");
    expect((await verify({ key: ["a"] })).code).toBe("INVALID_BODY");
    for (const ip of ["999.1.1.1", "203.0.113.0/24", "localhost", 42, "1.2.3.4|VALID", "a".repeat(100)]) expect((await verify({ key: "ys_x", ip })).code, String(ip)).toBe("INVALID_BODY");
    for (const cost of [-1, 1.5, "2", 1e7, null, true, Number.MAX_SAFE_INTEGER + 2]) expect((await verify({ key: "ys_x", cost })).code, String(cost)).toBe("INVALID_BODY");
    for (const permissions of [42, ["orders.read"], { and: [] }, true]) expect((await verify({ key: "ys_x", permissions })).code, String(permissions)).toBe("INVALID_BODY");
    for (const [permissions, position] of [["orders.read AND", 16], ["(a OR b", 8], ["a; DROP TABLE", 2], ["", 1], ["a".repeat(1_001), 1001], ["(".repeat(30) + "a" + ")".repeat(30), 21]] as const) {
      const res = await call("/api/v1/keys/verify", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ key: "ys_x", permissions }) });
      expect([res.status, res.code, (JSON.parse(res.body) as { error: { position: number } }).error.position], permissions.slice(0, 20)).toEqual([400, "INVALID_PERMISSION_QUERY", position]);
    }
    const usage = (body: unknown) =>
      call("/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    for (const keyId of ["' OR 1=1 --", "%%%%%%%%%%%%%%%%", "________________", "a".repeat(17), 12]) {
      const res = await usage({ keyId, success: true });
      expect([res.status, res.code]).toEqual([400, "INVALID_BODY"]);
    }
    expect((await usage({ keyId: "A".repeat(16), success: true })).code).toBe("KEY_NOT_FOUND");
    const noToken = await call("/api/v1/keys/verify", { method: "POST", body: "{}" });
    expect([noToken.status, noToken.code]).toEqual([401, "UNAUTHORIZED_SERVICE"]);
    const wrongToken = await call("/api/v1/keys/verify", { method: "POST", headers: { authorization: `Bearer ${"x".repeat(40)}` }, body: "{}" });
    expect(wrongToken.code).toBe("UNAUTHORIZED_SERVICE");
    expect((await call("/api/v1/nope")).code).toBe("NOT_FOUND");
    expect((await call("/api/v1/echo", { method: "DELETE" })).code).toBe("METHOD_NOT_ALLOWED");
  });
});

describe("keys that were good once", () => {
  it("revoked, expired, rolled past grace, and a disabled user's key are refused with their codes", async () => {
    const revoked = await newKey();
    await services.keys.revoke({ id: revoked.userId, role: "developer" }, revoked.record.id, revoked.record.workspaceId);
    const rolled = await newKey();
    const next = await services.keys.roll({ id: rolled.userId, role: "developer" }, rolled.record.id, rolled.record.workspaceId, 0);
    secrets.push(next.key);
    const disabled = await newKey();
    await services.db.user.update({ where: { id: disabled.userId }, data: { disabled: true } });
    const expired = await newKey({ expiresInDays: 1 });
    await services.db.apiKey.update({ where: { id: expired.record.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    for (const [k, code] of [[revoked.key, "REVOKED"], [rolled.key, "REVOKED"], [disabled.key, "DISABLED_USER"], [expired.key, "EXPIRED"]] as const) {
      const res = await echo(k);
      expect([res.status, res.code], code).toEqual([401, code]);
    }
    expect((await echo(next.key)).status).toBe(200);
  });
});

describe("paths", () => {
  it("refuses a path over 2 KiB with 414, and still answers a path of slashes", async () => {
    const long = await call(`/api/v1/echo${"a".repeat(2_100)}`);
    expect([long.status, long.code]).toEqual([414, "URI_TOO_LONG"]);
    // Slashes then a character: the worst case of the old backtracking /\/+$/.
    expect((await call(`/${"/".repeat(2_000)}x`)).status).toBe(404);
    expect((await call("/api/v1/echo///")).code).toBe("MISSING_KEY");
  });
});

describe("observability", () => {
  it("every response has a request id (the caller's when sane), and /metrics (on its own listener only) reports verifications", async () => {
    const { key } = await newKey();
    const mine = await call("/api/v1/echo", { headers: { authorization: `Bearer ${key}`, "x-request-id": "trace-123" } });
    expect(mine.headers.get("x-request-id")).toBe("trace-123");
    const generated = await call("/api/v1/echo", { headers: { "x-request-id": "<script>" } });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call("/metrics")).status).toBe(404);
    const metrics = await fetch(`${metricsBase}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = await metrics.text();
    expect(text).toMatch(/keyway_verify_total\{code="VALID"\} \d+/);
    expect(text).toMatch(/keyway_verify_total\{code="MISSING_KEY"\} \d+/);
    expect(text).toMatch(/keyway_verify_duration_seconds_bucket\{le="0.005"\} \d+/);
    expect(text).toMatch(/keyway_key_cache_lookups_total\{result="hit"\} \d+/);
    expect(text).toContain("keyway_usage_flush_lag_seconds");
    expect(text).toContain("keyway_redis_errors_total");
    expect(text).toContain("keyway_ratelimit_degraded_total");
  });

  it("no response and no log line holds a key, a secret, a hash or a stack trace; no 500 was answered", () => {
    const everything = [...bodies, ...logLines].join("\n");
    for (const s of secrets) expect(everything.includes(s), `leaked ${s.slice(0, 12)}…`).toBe(false);
    expect(everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.every((l) => JSON.parse(l).requestId !== undefined || !/request/.test(JSON.parse(l).msg))).toBe(true);
  });
});
