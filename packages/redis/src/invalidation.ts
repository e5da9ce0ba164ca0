// Cache invalidation over Redis pub/sub: a revoke, roll, tier or limit change is announced once and
// every process drops its cached record at once. If the subscription drops (Redis restart, network),
// the process clears its whole cache when it is back, since it may have missed messages.
import type { InvalidationTarget } from "@keyway/core";
import { Cluster, Redis } from "ioredis";
import type { RedisLike } from "./scripts.ts";
import { connectionOf, seedOf } from "./client.ts";



export interface InvalidationBus {
  publish(target: InvalidationTarget): Promise<void>;
  close(): Promise<void>;
}

export function invalidationBus(
  publisher: RedisLike,
  url: string,
  keyPrefix: string,
  onMessage: (target: InvalidationTarget) => void,
): InvalidationBus {
  const channel = `${keyPrefix}invalidate`;
  // A subscriber connection is dedicated; it queues its SUBSCRIBE until connected and resubscribes after.
  // On a cluster, PUBLISH reaches every node, so the subscriber may listen on any of them.
  const subscriber =
    publisher instanceof Cluster
      ? new Cluster([seedOf(url).node], { clusterRetryStrategy: (n) => Math.min(50 * 2 ** n, 1_000), redisOptions: { ...seedOf(url).auth, tls: seedOf(url).tls } })
      : new Redis(connectionOf(url), { lazyConnect: false, maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(50 * 2 ** n, 1_000) });
  let lost = false;
  subscriber.on("error", () => {});
  subscriber.on("close", () => {
    lost = true;
  });
  subscriber.on("ready", () => {
    if (lost) onMessage("all");
    lost = false;
  });
  void subscriber.subscribe(channel).catch(() => {});
  subscriber.on("message", (_channel: string, message: string) => {
    try {
      const parsed = JSON.parse(message) as InvalidationTarget;
      onMessage(parsed);
    } catch {
      onMessage("all");
    }
  });
  return {
    async publish(target) {
      onMessage(target); // this process first, even if Redis is down
      // PUBLISH is not key-prefixed by ioredis, so the channel carries the prefix itself.
      await publisher.publish(channel, JSON.stringify(target));
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
