// Redis stopped for 20 s in the middle of a 60 s load of the sample API, served by the public API
// server in its own process (failure policy "local"). Figures are printed for docs/benchmarks.md.
import { afterAll, expect, it } from "vitest";
import { testConfig, testServices, uniqueEmail } from "../support.ts";
import { startPrivateRedis } from "../redis-server.ts";
import { p, runLoad, sleep } from "./load.ts";
import { startApiServer } from "./server.ts";

const PHASE_MS = Number(process.env.CHAOS_PHASE_MS ?? 20_000);
const redis = await startPrivateRedis();
const config = testConfig({ REDIS_URL: redis.url, RATE_LIMIT_FAILURE_POLICY: "local" });
const services = testServices({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX, MAX_ACTIVE_KEYS_PER_WORKSPACE: "1000" });
afterAll(async () => {
  await services.close();
  await redis.stop().catch(() => {});
});

it("answers by the declared policy while Redis is down, fast, and is exact again soon after it returns", async () => {
  const actor = { id: null, role: "system" as const };
  // 500 keys of 500 enterprise workspaces, so the load never reaches a plan's limits (a plan counts
  // all of a workspace's keys together)
  const users = [];
  for (let i = 0; i < 500; i++) users.push(await services.users.createWithPassword({ email: uniqueEmail("chaos"), name: "C", password: null, role: "developer", tier: "enterprise" }));
  const user = users[0]!;
  const keys: string[] = [];
  for (const u of users) keys.push((await services.keys.create(actor, { userId: u.id, name: "k" })).key);
  const server = await startApiServer(config);
  const before = { keys: await services.db.apiKey.count(), audit: await services.db.auditLog.count() };

  const load = runLoad({ ports: () => [server.port], key: (i) => keys[i % keys.length]!, workers: 16 });
  await sleep(PHASE_MS);
  const down = load.elapsed();
  await redis.stop();
  await sleep(PHASE_MS);
  const up = load.elapsed();
  await redis.start();
  await sleep(PHASE_MS);
  await load.stop();
  server.child.kill("SIGTERM");

  const s = load.samples;
  const outage = s.filter((x) => x.at > down + 200 && x.at + x.ms < up);
  const firstExact = s.find((x) => x.at > up && !x.degraded && x.status === 200);
  const timeToExact = firstExact ? firstExact.at - up : Infinity;
  console.log(
    [
      `redis outage: ${s.length} responses in ${(load.elapsed() / 1000).toFixed(0)} s, ${outage.length} during the outage`,
      `statuses: ${JSON.stringify(Object.fromEntries([...new Set(s.map((x) => x.status))].map((st) => [st, s.filter((x) => x.status === st).length])))}`,
      `latency p50/p99/max: all ${p(s.map((x) => x.ms), 0.5).toFixed(1)}/${p(s.map((x) => x.ms), 0.99).toFixed(1)}/${s.reduce((m, x) => Math.max(m, x.ms), 0).toFixed(1)} ms, ` +
        `outage ${p(outage.map((x) => x.ms), 0.5).toFixed(1)}/${p(outage.map((x) => x.ms), 0.99).toFixed(1)} ms`,
      `exact (not degraded) again ${timeToExact.toFixed(0)} ms after Redis returned`,
    ].join("\n"),
  );

  // No 500s, no network errors: every answer follows the policy.
  expect(s.filter((x) => x.status >= 500 || x.status === 0)).toEqual([]);
  // Before the outage: exact answers from Redis.
  expect(s.filter((x) => x.at + x.ms < down && x.degraded)).toEqual([]);
  // During it: allowed by the local limiter, marked as such, with its own honest counts.
  expect(outage.length).toBeGreaterThan(100);
  expect(outage.every((x) => x.status === 200 && x.degraded)).toBe(true);
  // (The headers speak of the tightest window: the minute, or the hour once a local minute window
  // has started afresh; either way one of the key's real limits, and what the local limiter counted.)
  const enterprise = [1_000, 10_000, 100_000, 2_000_000];
  expect(outage.filter((x) => !(x.limit !== null && enterprise.includes(x.limit) && x.remaining !== null && x.remaining >= 0 && x.remaining < x.limit))).toEqual([]);
  expect(p(s.map((x) => x.ms), 0.99)).toBeLessThan(250);
  // After it: exact again within 10 s, and stays so.
  expect(timeToExact).toBeLessThan(10_000);
  expect(s.filter((x) => x.at > up + 10_000 && x.degraded)).toEqual([]);

  // Exact means exact: a key limited to 5 a minute takes exactly 5 of 8.
  const { key, record } = await services.keys.create(actor, { userId: user.id, name: "exact" });
  await services.keys.setLimits(actor, record.id, { minute: 5 });
  const again = await startApiServer(config);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`http://127.0.0.1:${again.port}/api/v1/echo`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.headers.get("x-ratelimit-degraded")).toBeNull();
    statuses.push(res.status);
  }
  again.child.kill("SIGTERM");
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);

  // Nothing in PostgreSQL was touched or lost.
  expect(await services.db.apiKey.count()).toBe(before.keys + 1);
  expect(await services.db.auditLog.count()).toBe(before.audit + 2);
});
