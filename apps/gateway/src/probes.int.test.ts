// The gateway's probes and metrics as a load balancer and Prometheus see them.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import type http from "node:http";
import { testServices } from "../../../test/support.ts";
import { createMetricsServer, createPublicServer } from "./node-server.ts";

const opened: { server: http.Server; close: () => Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened) {
    o.server.close();
    await o.close();
  }
});

async function serve(overrides: Parameters<typeof testServices>[0] = {}) {
  const services = testServices(overrides);
  const server = createPublicServer(services);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  opened.push({ server, close: () => services.close() });
  return { services, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("probes", () => {
  it("/livez answers; /readyz is ready with PostgreSQL and Redis up", async () => {
    const { base } = await serve();
    expect(await (await fetch(`${base}/livez`)).json()).toEqual({ live: true });
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, database: "up", redis: "up" }]);
  });

  it("with Redis away, stays ready in the local degraded mode and is not ready when the policy is closed", async () => {
    const local = await serve({ REDIS_URL: "redis://127.0.0.1:1", RATE_LIMIT_FAILURE_POLICY: "local" });
    const a = await fetch(`${local.base}/readyz`);
    expect([a.status, await a.json()]).toEqual([200, { ready: true, database: "up", redis: "degraded" }]);
    const closed = await serve({ REDIS_URL: "redis://127.0.0.1:1", RATE_LIMIT_FAILURE_POLICY: "closed" });
    const b = await fetch(`${closed.base}/readyz`);
    expect([b.status, await b.json()]).toEqual([503, { ready: false, database: "up", redis: "down" }]);
  });
});

describe("metrics", () => {
  it("passes promtool check metrics, with Node's standard names and the request histogram by route", async () => {
    const { services, base } = await serve();
    await fetch(`${base}/api/v1/echo`);
    await fetch(`${base}/no/such/${"x".repeat(50)}`);
    const metricsServer = createMetricsServer(services);
    await new Promise<void>((resolve) => metricsServer.listen(0, "127.0.0.1", resolve));
    opened.push({ server: metricsServer, close: async () => {} });
    const text = await (await fetch(`http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`)).text();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^keyway_http_request_duration_seconds_count\{route="\/api\/v1\/echo",status="401"\} 1$/m);
    expect(text).toMatch(/^keyway_http_request_duration_seconds_count\{route="other",status="404"\} 1$/m);
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.error, "promtool is missing: the test command installs Debian's prometheus package").toBeUndefined();
    expect([check.status, check.stdout.trim(), check.stderr.trim()]).toEqual([0, "", ""]);
  });
});
