// The public API server as `npm start` and the container run it: compiled to JavaScript
// (apps/gateway/build.mjs) and started with plain `node`, no TypeScript loader. A request through it
// is counted, the flusher on its worker thread moves the count to PostgreSQL, /metrics reports
// the flush, and SIGTERM stops the process cleanly.
import { API_NODE_FLAGS } from "../apps/gateway/src/node-flags.ts";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../scripts/lib/services.ts";
import { testConfig, testServices, uniqueEmail } from "./support.ts";

const root = path.resolve(import.meta.dirname, "..");
const config = testConfig();
const services = testServices({ REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX });
afterAll(() => services.close());

it("compiled, on plain node: serves, counts, flushes from its worker thread, reports it in /metrics and stops on SIGTERM", async () => {
  const built = spawnSync(process.execPath, [path.join(root, "apps/gateway/build.mjs")], { cwd: root, encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  const user = await services.users.createWithPassword({ email: uniqueEmail("main"), name: "M", password: "long-enough-pass", role: "developer", tier: "free" });
  const { key, record } = await services.keys.create({ id: user.id, role: "developer" }, { userId: user.id, name: "main" });

  const port = await freePort();
  const metricsPort = await freePort();
  const env = { ...process.env, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])), API_PORT: String(port), METRICS_PORT: String(metricsPort), USAGE_FLUSH_INTERVAL_MS: "300", LOG_LEVEL: "info" };
  const child = spawn(process.execPath, [...API_NODE_FLAGS, path.join(root, "apps/gateway/dist/main.js")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  for (let i = 0; i < 300 && !output.includes("public api listening"); i++) await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain("public api listening");

  const base = `http://127.0.0.1:${port}`;
  const res = await fetch(`${base}/api/v1/echo`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-ratelimit-limit")).toBe("10");
  expect(await (await fetch(`${base}/livez`)).json()).toEqual({ live: true });

  // The count reaches PostgreSQL through the flusher thread (every 300 ms here).
  let rows = 0;
  for (let i = 0; i < 100 && rows === 0; i++) {
    rows = await services.db.usageBucket.count({ where: { keyId: record.id, period: "minute", allowed: { gte: 1 } } });
    if (rows === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(rows).toBe(1);
  expect((await services.db.usageBucket.findFirstOrThrow({ where: { keyId: record.id, period: "minute" } })).allowed).toBe(1);
  expect((await services.db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).not.toBeNull();
  // The pass is reported when it ends, after its rest behind the last chunk.
  const passes = (text: string) => Number(/^keyway_usage_flush_duration_seconds_count (\d+)/m.exec(text)?.[1] ?? 0);
  let metrics = "";
  for (let i = 0; i < 50 && passes(metrics) === 0; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  }
  expect(passes(metrics)).toBeGreaterThan(0);
  // (A pass may be postponed on a busy machine, e.g. while the pool connects; its counts wait in
  // Redis for the next one, which the row above proves.)
  expect(metrics).toMatch(/^keyway_usage_flush_failures_total \d+$/m);
  // Not on the public port.
  expect((await fetch(`${base}/metrics`)).status).toBe(404);
  for (const line of output.split("\n").filter((l) => l.includes("postponed"))) console.log(line);

  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(output).not.toContain(key);
});
