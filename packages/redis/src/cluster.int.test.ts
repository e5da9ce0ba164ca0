// The same limiter and usage code on a real 3-master Redis Cluster: no CROSSSLOT errors thanks to
// the hash tag (the workspace's id, or the key's own), exact limits in both scopes, NOSCRIPT after
// the scripts are flushed, usage found on every master.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisLimiter } from "./limiter.ts";
import { takeUsage } from "./usage.ts";
import { startCluster, type TestCluster } from "../../../test/redis-cluster.ts";

let cluster: TestCluster;
let client: Cluster;
const prefix = "kwc:";

beforeAll(async () => {
  cluster = await startCluster();
  client = new Cluster(cluster.nodes, { keyPrefix: prefix, enableOfflineQueue: true, redisOptions: { commandTimeout: 2_000 } });
  await client.ping();
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

const limits = { minute: 3, hour: 100, day: 1000, month: 10000 };

describe("Redis Cluster (3 masters)", () => {
  it("limits 200 keys spread over every master exactly, in one script call each", async () => {
    const limiter = new RedisLimiter(client);
    const ids = Array.from({ length: 200 }, () => randomBytes(8).toString("hex"));
    const allowed = await Promise.all(ids.map(async (id) => {
      let n = 0;
      for (let i = 0; i < 5; i++) if ((await limiter.check({ id: id, limits: limits })).allowed) n++;
      return n;
    }));
    expect(allowed.every((n) => n === 3)).toBe(true);
    const perMaster = await Promise.all(client.nodes("master").map((node) => node.dbsize()));
    expect(perMaster.filter((n) => n > 0)).toHaveLength(3);
  });

  it("takes credits of a key and of its workspace in the same call, exactly, on any master", async () => {
    // the stored balances a gateway would read from PostgreSQL: 4 for each key, 30 for each workspace
    const credits = { storedBalances: async (pools: { scope: string; version: number }[]) => pools.map((p) => ({ remaining: p.scope === "key" ? 4 : 30, period: 0, version: p.version, seq: 0 })) };
    const limiter = new RedisLimiter(client, { credits });
    const plans = Array.from({ length: 12 }, () => ({ id: `ws${randomBytes(8).toString("hex")}`, limits: { minute: 1e6, hour: 1e6, day: 1e6, month: 1e6 } }));
    const results = await Promise.all(plans.map(async (workspace) => {
      const keys = Array.from({ length: 10 }, () => ({
        id: randomBytes(8).toString("hex"), limits: null, workspace,
        credits: [{ scope: "key" as const, id: "", version: 1, refill: null }, { scope: "workspace" as const, id: workspace.id, version: 1, refill: null }],
      }));
      keys.forEach((k) => (k.credits[0]!.id = k.id));
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => limiter.check(keys[i % 10]!)));
      return [answers.filter((a) => a.allowed).length, answers.filter((a) => a.outOfCredits === "workspace").length];
    }));
    // each key could pay for 4 (40 in all) but the workspace for 30: 30 admitted, and every refusal the workspace's
    expect(results).toEqual(plans.map(() => [30, 30]));
  });

  it("counts a workspace's plan across its keys exactly, in one call each, and a key's own lower limit refuses first", async () => {
    const limiter = new RedisLimiter(client);
    const workspaces = Array.from({ length: 12 }, () => ({ id: `ws${randomBytes(8).toString("hex")}`, limits: { minute: 10, hour: 100, day: 1000, month: 10000 } }));
    // 5 keys a workspace, 10 requests each, all at once: exactly the plan's 10 per workspace
    const admitted = await Promise.all(workspaces.map(async (workspace) => {
      const keys = Array.from({ length: 5 }, () => ({ id: randomBytes(8).toString("hex"), limits: null, workspace }));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.check(keys[i % 5]!)));
      return results.filter((r) => r.allowed).length;
    }));
    expect(admitted).toEqual(workspaces.map(() => 10));
    const perMaster = await Promise.all(client.nodes("master").map((node) => node.dbsize()));
    expect(perMaster.filter((n) => n > 0)).toHaveLength(3);

    const workspace = { id: `ws${randomBytes(8).toString("hex")}`, limits: { minute: 10, hour: 100, day: 1000, month: 10000 } };
    const capped = { id: randomBytes(8).toString("hex"), limits: { minute: 2, hour: 1e9, day: 1e9, month: 1e9 }, workspace };
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.check(capped));
    expect(decisions.map((d) => [d.allowed, d.scope])).toEqual([[true, "key"], [true, "key"], [false, "key"]]);
    expect(decisions[2]!.scopes.workspace!.minute.used).toBe(2);
  });

  it("recovers from NOSCRIPT after every node's script cache is flushed", async () => {
    const limiter = new RedisLimiter(client);
    const id = randomBytes(8).toString("hex");
    expect((await limiter.check({ id: id, limits: limits })).allowed).toBe(true);
    await Promise.all(cluster.ports.map((port) => promisify(execFile)("redis-cli", ["-p", String(port), "script", "flush"])));
    const d = await limiter.check({ id: id, limits: limits });
    expect(d).toMatchObject({ allowed: true, degraded: false, windows: { minute: { used: 2 } } });
  });

  it("finds and takes usage hashes on every master", async () => {
    const limiter = new RedisLimiter(client);
    const ids = Array.from({ length: 30 }, () => randomBytes(8).toString("hex"));
    for (const id of ids) await limiter.check({ id: id, limits: limits });
    const taken = await takeUsage(client, prefix, () => randomBytes(4).toString("hex"));
    const mine = taken.filter((t) => ids.includes(t.keyId));
    expect(mine).toHaveLength(30);
    expect(mine.every((t) => [...t.minutes.values()].reduce((s, c) => s + c.allowed, 0) === 1)).toBe(true);
  });
});
