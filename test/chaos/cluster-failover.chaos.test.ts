// A real Redis Cluster (3 masters, 3 replicas): the master that holds a key's slot is killed while
// the key takes load through the public API server; its replica is promoted. The limiter keeps
// working (MOVED after the failover, NOSCRIPT on the promoted node), and the over-admission during
// the failover is measured against the key's limit (what the local fallback admits is written back
// to Redis afterwards).
import { afterAll, expect, it } from "vitest";
import type { Cluster } from "ioredis";
import { startCluster } from "../redis-cluster.ts";
import { testConfig, testServices, uniqueEmail } from "../support.ts";
import { p, runLoad, sleep } from "./load.ts";
import { startApiServer } from "./server.ts";

// The key's minute limit during the warm-up: never reached in it. Just before the master dies it is
// set from the load's own rate (LIMIT_FACTOR times what was admitted so far): high enough that the
// load has not used it up when the master dies (a used-up key is answered from the in-process
// negative cache and would not touch Redis), low enough to be reached after, however fast this
// machine is today (a fixed 15,000 was out of reach on a slow run: 11,126 requests in 18 s).
const WARMUP_LIMIT = 1_000_000;
const LIMIT_FACTOR = Number(process.env.CHAOS_FAILOVER_FACTOR ?? 3);
const cluster = await startCluster(1);
const config = testConfig({ REDIS_URL: `redis://127.0.0.1:${cluster.ports[0]}`, REDIS_CLUSTER: "true" });
const services = testServices({ REDIS_URL: config.REDIS_URL, REDIS_CLUSTER: "true", REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX });
afterAll(async () => {
  await services.close();
  await cluster.stop();
});

it("a master fails over under load: the limiter keeps working and the over-admission is bounded", async () => {
  await services.ready(5_000);
  const actor = { id: null, role: "system" as const };
  const user = await services.users.createWithPassword({ email: uniqueEmail("failover"), name: "F", password: "long-enough-pass", role: "developer", tier: "enterprise" });
  const { key, record } = await services.keys.create(actor, { userId: user.id, name: "hot" });
  // Only the minute limit may bind: the plan's hour limit (10,000 on enterprise) is raised too, or
  // it would refuse first and the over-admission would be measured against the wrong limit.
  const setLimit = (minute: number) => services.admin.workspaces.setLimits(actor, record.workspaceId, { minute, hour: 100 * minute, day: 100 * minute, month: 100 * minute });
  await setLimit(WARMUP_LIMIT);

  // The master serving this key's slot (its Redis keys carry its workspace's id as the hash tag).
  const redis = services.redis as Cluster;
  const slot = Number(await redis.nodes("master")[0]!.cluster("KEYSLOT", `{${record.workspaceId}}`));
  const owner = Number(String((redis as unknown as { slots: string[][] }).slots[slot]![0]).split(":")[1]);
  expect(cluster.ports).toContain(owner);

  const server = await startApiServer(config);
  const load = runLoad({ ports: () => [server.port], key: () => key, workers: 8 });
  const startedAt = Date.now() - load.elapsed(); // wall clock of the load's time 0
  await sleep(3_000);
  const LIMIT = LIMIT_FACTOR * load.samples.filter((x) => x.status === 200).length;
  await setLimit(LIMIT);
  await sleep(200); // (the server drops the key's record on the invalidation message)
  const killedAt = load.elapsed();
  cluster.kill(owner);
  await sleep(15_000);
  await load.stop();
  server.child.kill("SIGTERM");

  const s = load.samples;
  const admitted = s.filter((x) => x.status === 200);
  const before = admitted.filter((x) => x.at < killedAt).length;
  const degraded = s.filter((x) => x.degraded);
  const lastDegraded = degraded.reduce((m, x) => Math.max(m, x.at), killedAt);
  const after = s.filter((x) => x.at > lastDegraded);
  console.log(
    [
      `cluster failover: ${s.length} requests on one key limited to ${LIMIT}/min; master on port ${owner} killed at ${(killedAt / 1000).toFixed(1)} s`,
      `statuses: ${JSON.stringify(Object.fromEntries([...new Set(s.map((x) => x.status))].map((st) => [st, s.filter((x) => x.status === st).length])))}`,
      `admitted ${admitted.length} in total (${before} before the kill; ${admitted.filter((x) => x.degraded).length} by the local fallback): over-admission ${admitted.length - LIMIT} (${(((admitted.length - LIMIT) / LIMIT) * 100).toFixed(0)} % of the limit)`,
      `degraded answers: ${degraded.length}, for ${((lastDegraded - killedAt) / 1000).toFixed(1)} s after the kill; p99 latency ${p(s.map((x) => x.ms), 0.99).toFixed(1)} ms`,
    ].join("\n"),
  );
  // Before the failover: exactly the limit, from Redis.
  expect(before).toBeLessThanOrEqual(LIMIT);
  // Never a 5xx; after the promotion, exact answers from the cluster again (no degraded mode).
  expect(s.filter((x) => x.status >= 500 || x.status === 0)).toEqual([]);
  expect(lastDegraded - killedAt).toBeLessThan(10_000);
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((x) => !x.degraded && (x.status === 200 || x.status === 429))).toBe(true);
  // The limit was reached after the failover, so the over-admission is measured, not assumed.
  expect(s.filter((x) => x.status === 429).length).toBeGreaterThan(0);
  // The local fallback starts from Redis's last answer (it admits only what was left) and what it
  // admitted is written back when Redis answers again: the key gets its limit in all, give or
  // take the writes the replica had not yet received. Its windows are fixed minutes, though: if a
  // minute began during the failover, the fallback's count started again there, and the key may
  // get what the fallback admitted after that on top.
  const local = admitted.filter((x) => x.degraded).length;
  const minuteOf = (at: number) => Math.floor((startedAt + at) / 60_000);
  const crossed = minuteOf(killedAt) !== minuteOf(lastDegraded);
  console.log(`a minute began during the failover: ${crossed}`);
  expect(admitted.length).toBeLessThanOrEqual((crossed ? Math.max(LIMIT, before + local) : LIMIT) + 50);
});
