// REDIS_URL=unix:///path/redis.sock: a Redis on the same host reached over its Unix socket (a
// private redis-server, which listens on a socket as well as on its port).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, waitForReady } from "./client.ts";
import type { InvalidationTarget } from "@keyway/core";
import { invalidationBus } from "./invalidation.ts";
import { RedisLimiter } from "./limiter.ts";
import { startPrivateRedis, type PrivateRedis } from "../../../test/redis-server.ts";
import { deleteRedisPrefix } from "../../../scripts/lib/cleanup.ts";

const socket = path.join(mkdtempSync(path.join(os.tmpdir(), "kw-sock-")), "redis.sock");
const url = `unix://${socket}`;
let server: PrivateRedis;
beforeAll(async () => {
  server = await startPrivateRedis(["--unixsocket", socket, "--unixsocketperm", "700"]);
});
afterAll(() => server.stop());

describe("Redis over a Unix socket", () => {
  it("limits, invalidates and cleans up through unix:// URLs", async () => {
    const redis = createRedis(url, { keyPrefix: "sock:", commandTimeoutMs: 1_000 });
    await waitForReady(redis, 2_000);
    const limiter = new RedisLimiter(redis);
    const limits = { minute: 2, hour: 10, day: 10, month: 10 };
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await limiter.check({ id: "sockkey", limits: limits })).allowed);
    expect(seen).toEqual([true, true, false]);

    const received: InvalidationTarget[] = [];
    const bus = invalidationBus(redis, url, "sock:", (t) => received.push(t));
    const listener = invalidationBus(redis, url, "sock:", (t) => received.push(t));
    await new Promise((r) => setTimeout(r, 200)); // both subscribed
    await bus.publish({ keyId: "sockkey" });
    await new Promise((r) => setTimeout(r, 200));
    // the publisher's own process at once, then both subscribers through Redis
    expect(received).toEqual([{ keyId: "sockkey" }, { keyId: "sockkey" }, { keyId: "sockkey" }]);
    await bus.close();
    await listener.close();

    expect(await redis.exists("rl:{sockkey}")).toBe(1);
    await deleteRedisPrefix(url, "sock:");
    expect(await redis.exists("rl:{sockkey}")).toBe(0);
    await limiter.close();
    redis.disconnect();
  });
});
