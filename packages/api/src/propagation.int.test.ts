// Two API server processes behind the same PostgreSQL and Redis: a revoke made anywhere is refused
// by both within 1 second (measured), and they share one set of limits exactly.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../../../test/env.ts";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { freePort } from "../../../scripts/lib/services.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const config = testConfig();
const services = testServices({ REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX });
const servers: { port: number; child: ChildProcess }[] = [];

async function startServer(): Promise<void> {
  const port = await freePort();
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "test/api-server.ts")], {
    cwd: root,
    env: { ...process.env, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])), PORT: String(port), LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  servers.push({ port, child });
}

beforeAll(async () => {
  await Promise.all([startServer(), startServer()]);
}, 60_000);
afterAll(async () => {
  for (const s of servers) s.child.kill("SIGTERM");
  await services.close();
});

const echo = (port: number, key: string) => fetch(`http://127.0.0.1:${port}/api/v1/echo`, { headers: { authorization: `Bearer ${key}` } });

describe("two server processes", () => {
  it("both refuse a revoked key within 1 s", async () => {
    const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier: "enterprise" });
    const { key, record } = await services.keys.create({ id: null, role: "system" }, { userId: user.id, name: "k" });
    for (const s of servers) expect((await echo(s.port, key)).status).toBe(200); // cached in both
    const t0 = performance.now();
    await services.keys.revoke({ id: null, role: "system" }, record.id, null);
    const refusedAfter = await Promise.all(
      servers.map(async (s) => {
        for (;;) {
          const res = await echo(s.port, key);
          if (res.status === 401) return performance.now() - t0;
          if (performance.now() - t0 > 5_000) return Infinity;
        }
      }),
    );
    console.log(`revocation seen by both processes after ${refusedAfter.map((ms) => ms.toFixed(1)).join(" ms and ")} ms`);
    for (const ms of refusedAfter) expect(ms).toBeLessThan(1_000);
  });

  it("a workspace's plan change reaches every key of it on both within 1 s", async () => {
    const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
    const made: { key: string }[] = [];
    for (let i = 0; i < 3; i++) made.push(await services.keys.create({ id: null, role: "system" }, { userId: user.id, name: `k${i}` }));
    for (const s of servers) for (const m of made) expect((await echo(s.port, m.key)).headers.get("x-ratelimit-limit")).toBe("10"); // cached in both
    const t0 = performance.now();
    await services.keys.setUserTier({ id: null, role: "system" }, user.id, "pro");
    const seenAfter = await Promise.all(
      servers.flatMap((s) =>
        made.map(async (m) => {
          for (;;) {
            const res = await echo(s.port, m.key);
            if (res.headers.get("x-ratelimit-limit") === "100") return performance.now() - t0;
            if (performance.now() - t0 > 5_000) return Infinity;
          }
        }),
      ),
    );
    console.log(`plan change seen by all 3 keys on both processes within ${Math.max(...seenAfter).toFixed(1)} ms`);
    for (const ms of seenAfter) expect(ms).toBeLessThan(1_000);
  });

  it("share limits exactly: 10 per minute across both takes exactly 10 of 40", async () => {
    const user = await services.users.createWithPassword({ email: uniqueEmail(), name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
    const { key } = await services.keys.create({ id: null, role: "system" }, { userId: user.id, name: "k" });
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => echo(servers[i % 2]!.port, key).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });
});
