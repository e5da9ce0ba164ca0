// The same limiter and usage code on a real 3-master Redis Cluster: no CROSSSLOT errors thanks to
// the {keyId} hash tag, exact limits, NOSCRIPT after the scripts are flushed, usage found on every master.
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
