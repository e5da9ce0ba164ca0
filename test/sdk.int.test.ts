// The SDK as a platform's service uses it: remoteKeyway() against a running gateway over HTTP,
// withKeyway() guarding a fetch-style handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { createServer, request as httpRequest } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { endpoint, remoteKeyway, withKeyway } from "@keyway/sdk";
import { createPublicServer } from "@keyway/gateway";
import { testServices, uniqueEmail } from "./support.ts";

const services = testServices();
const server = createPublicServer(services);
let baseUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await services.close();
});

async function newKey() {
  const user = await services.users.createWithPassword({ email: uniqueEmail("sdk"), name: null, password: null, role: "developer", tier: "free" });
  return services.keys.create({ id: user.id, role: "developer" }, { userId: user.id, name: "sdk" });
}

const get = (key?: string) => new Request("http://service.test/orders", { headers: key ? { authorization: `Bearer ${key}` } : {} });

describe("@keyway/sdk against a running gateway", () => {
  it("lets a valid key through with the rate-limit headers, and reports each outcome", async () => {
    const keyway = remoteKeyway({ baseUrl, serviceToken: services.config.KEYWAY_SERVICE_TOKEN! });
    const handler = withKeyway(keyway, (request, key) => (new URL(request.url).searchParams.has("fail") ? new Response("no", { status: 500 }) : Response.json({ owner: key.ownerId })));
    const { key, record } = await newKey();
    const ok = await handler(get(key));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ owner: record.userId });
    expect(ok.headers.get("x-ratelimit-limit")).toBe("10");
    expect(ok.headers.get("ratelimit-policy")).toContain('"minute";q=10;w=60');
    const failed = await handler(new Request("http://service.test/orders?fail", { headers: { "x-api-key": key } }));
    expect(failed.status).toBe(500);
    // The outcomes travel to the gateway in the background and land in the usage counts.
    let summary = await services.usage.summary(record.id);
    for (let i = 0; i < 50 && summary.successful + summary.failed < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      summary = await services.usage.summary(record.id);
    }
    expect([summary.successful, summary.failed]).toEqual([1, 1]);
  });

  it("refuses a missing, a malformed and an ambiguous key with the API's codes, without calling the handler", async () => {
    let calls = 0;
    const handler = withKeyway(remoteKeyway({ baseUrl, serviceToken: services.config.KEYWAY_SERVICE_TOKEN! }), () => {
      calls++;
      return new Response("secret");
    });
    const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await code(await handler(get()))).toEqual([401, "MISSING_KEY"]);
    expect(await code(await handler(get("ys_free_not-a-key")))).toEqual([401, "MALFORMED"]);
    const { key } = await newKey();
    expect(await code(await handler(new Request("http://service.test/", { headers: { authorization: `Bearer ${key}`, "x-api-key": "other" } })))).toEqual([400, "AMBIGUOUS_KEY"]);
    expect(calls).toBe(0);
  });

  it("answers 503 with Retry-After when the gateway cannot be reached, or refuses the service token", async () => {
    const { key } = await newKey();
    const down = withKeyway(remoteKeyway({ baseUrl: "http://127.0.0.1:1", serviceToken: "x".repeat(40) }), () => new Response("ok"));
    // An unreachable gateway is a refusal the caller can retry, never the handler running unguarded.
    const res = await down(get(key));
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "1"]);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("SERVICE_UNAVAILABLE");
    const wrongToken = withKeyway(remoteKeyway({ baseUrl, serviceToken: "y".repeat(40) }), () => new Response("ok"));
    const refused = await wrongToken(get(key));
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([503, "1"]);
  });

  it("guards with a permission query (403 INSUFFICIENT_PERMISSIONS naming what is missing), a cost taken from credits (429 USAGE_EXCEEDED) and the client's address against the key's allowlist (403 IP_NOT_ALLOWED)", async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const system = { id: null, role: "system" as const };
    await services.catalogue.permissions.create(system, { name: `orders${suffix}.read`, description: "" });
    const user = await services.users.createWithPassword({ email: uniqueEmail("sdk"), name: null, password: null, role: "developer", tier: "enterprise" });
    const { key } = await services.keys.create(system, {
      userId: user.id,
      name: "restricted",
      grants: { permissions: [`orders${suffix}.read`], roles: [] },
      ipAllowlist: ["198.51.100.0/24"],
      credits: { remaining: 5, refill: null },
    });
    const keyway = remoteKeyway({ baseUrl, serviceToken: services.config.KEYWAY_SERVICE_TOKEN! });
    const from = (ip: string) => () => ip;
    const reads = withKeyway(keyway, (_, k) => Response.json({ permissions: k.permissions, credits: k.credits }), { permissions: `orders${suffix}.read`, cost: 2, clientAddress: from("198.51.100.9") });
    const writes = withKeyway(keyway, () => new Response("written"), { permissions: `orders${suffix}.read AND orders${suffix}.write`, clientAddress: from("198.51.100.9") });
    const elsewhere = withKeyway(keyway, () => new Response("ok"), { clientAddress: from("192.0.2.1") });
    const body = async (res: Response) => [res.status, await res.json()];

    expect(await body(await reads(get(key)))).toEqual([200, { permissions: [`orders${suffix}.read`], credits: 3 }]);
    expect(await body(await writes(get(key)))).toEqual([403, { error: { code: "INSUFFICIENT_PERMISSIONS", message: expect.stringContaining(`orders${suffix}.write`), missing: `orders${suffix}.write` } }]);
    expect(await body(await elsewhere(get(key)))).toEqual([403, { error: { code: "IP_NOT_ALLOWED", message: expect.any(String) } }]);
    expect((await reads(get(key))).status).toBe(200); // 1 left
    expect(await body(await reads(get(key)))).toEqual([429, { error: { code: "USAGE_EXCEEDED", message: expect.stringContaining("too few credits"), scope: "key" } }]);
    // a malformed query is the service's bug: thrown, not a refusal of the key
    const broken = withKeyway(keyway, () => new Response("ok"), { permissions: "orders.read AND", clientAddress: from("198.51.100.9") });
    await expect(broken(get(key))).rejects.toThrow(/position 16/);
  });

  it("reaches Keyway behind a proxy under a path (the base URL's path is kept), and answers 503 within its timeout when Keyway hangs", async () => {
    expect(endpoint("https://h.example/keyway", "api/v1/usage").href).toBe("https://h.example/keyway/api/v1/usage");
    expect(endpoint("https://h.example/keyway/", "/api/v1/usage").href).toBe("https://h.example/keyway/api/v1/usage");
    expect(endpoint("https://h.example", "api/v1/usage").href).toBe("https://h.example/api/v1/usage");
    // a real reverse proxy that serves Keyway under /keyway (and nothing else)
    const target = new URL(baseUrl);
    const proxy = createServer((req, res) => {
      if (!req.url?.startsWith("/keyway/")) return void res.writeHead(404).end();
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url.slice("/keyway".length), method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    // and a listener that accepts connections and never answers
    const hang = createTcpServer(() => {});
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
    try {
      const { key } = await newKey();
      const behind = remoteKeyway({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/keyway`, serviceToken: services.config.KEYWAY_SERVICE_TOKEN! });
      expect(await behind.verify(key)).toMatchObject({ valid: true });
      const slow = remoteKeyway({ baseUrl: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`, serviceToken: "x".repeat(40), timeoutMs: 300 });
      const t0 = performance.now();
      expect(await slow.verify(key)).toMatchObject({ valid: false, code: "SERVICE_UNAVAILABLE" });
      expect(performance.now() - t0).toBeLessThan(3_000);
    } finally {
      proxy.close();
      hang.close();
    }
  });
});
