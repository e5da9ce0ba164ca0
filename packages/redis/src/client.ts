import { Cluster, Redis } from "ioredis";

export interface RedisOptions {
  /** Every key Keyway writes starts with this (tests use their own). */
  keyPrefix: string;
  /** A command that takes longer fails instead of queueing the request behind it. */
  commandTimeoutMs?: number;
}

/**
 * What ioredis connects to for a REDIS_URL: the URL itself, or for unix:///path/redis.sock[?…]
 * the socket's path (ioredis reads a path's query, e.g. ?password=…, as options).
 */
export function connectionOf(url: string): string {
  if (!url.startsWith("unix:")) return url;
  const u = new URL(url);
  return decodeURIComponent(u.pathname) + u.search;
}

/** The first node of a Redis Cluster, from the URL; ioredis discovers the others. */
export function seedOf(url: string) {
  const u = new URL(url);
  return {
    node: { host: u.hostname, port: Number(u.port || 6379) },
    auth: { username: u.username ? decodeURIComponent(u.username) : undefined, password: u.password ? decodeURIComponent(u.password) : undefined },
    tls: u.protocol === "rediss:" ? {} : undefined,
  };
}

/**
 * The same, for a Redis Cluster: every node gets the request-path settings, slots are refreshed
 * on MOVED and after a failover, and keys carry the `{keyId}` hash tag so a script's keys share a slot.
 */
export function createRedisCluster(url: string, options: RedisOptions): Cluster {
  const seed = seedOf(url);
  const client = new Cluster([seed.node], {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    slotsRefreshTimeout: 1_000,
    clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1_000),
    redisOptions: {
      ...seed.auth,
      tls: seed.tls,
      commandTimeout: options.commandTimeoutMs ?? 50,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
    },
  });
  client.on("error", () => {});
  return client;
}

/**
 * An ioredis client for the request path: no offline queue and a short command timeout, so a
 * Redis outage surfaces as a fast error the caller handles by its declared policy, never as a hang.
 * It reconnects on its own when Redis returns.
 */
export function createRedis(url: string, options: RedisOptions): Redis {
  const client = new Redis(connectionOf(url), {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 50,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1_000),
  });
  client.on("error", () => {
    // Connection errors are reported through health and metrics; ioredis keeps reconnecting.
  });
  return client;
}

/** True when Redis answers PING within its command timeout. */
export async function pingRedis(client: Redis | Cluster): Promise<boolean> {
  try {
    if (client.status !== "ready") await waitForReady(client, 1_000);
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  }
}

export function waitForReady(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(new Error("redis not ready"));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}
