import { Redis } from "ioredis";

export interface RedisOptions {
  /** Every key Keyway writes starts with this (tests use their own). */
  keyPrefix: string;
  /** A command that takes longer fails instead of queueing the request behind it. */
  commandTimeoutMs?: number;
}

/**
 * An ioredis client for the request path: no offline queue and a short command timeout, so a
 * Redis outage surfaces as a fast error the caller handles by its declared policy, never as a hang.
 * It reconnects on its own when Redis returns.
 */
export function createRedis(url: string, options: RedisOptions): Redis {
  const client = new Redis(url, {
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
export async function pingRedis(client: Redis): Promise<boolean> {
  try {
    if (client.status !== "ready") await waitForReady(client, 1_000);
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  }
}

export function waitForReady(client: Redis, timeoutMs: number): Promise<void> {
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
