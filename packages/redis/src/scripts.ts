// The Lua scripts, registered with ioredis's defineCommand: EVALSHA, with EVAL on NOSCRIPT
// (after a restart, a failover, or on a new cluster node).
import type { Cluster, Redis } from "ioredis";
import limitLua from "./lua/limit.ts";
import recordLua from "./lua/record.ts";

export const LIMIT_SCRIPT = limitLua;
export const RECORD_SCRIPT = recordLua;

export type RedisLike = Redis | Cluster;

export interface KeywayCommands {
  keywayLimit(...args: (string | number)[]): Promise<number[]>;
  keywayRecord(...args: (string | number)[]): Promise<number>;
}

export function withScripts(redis: RedisLike): RedisLike & KeywayCommands {
  const r = redis as RedisLike & Partial<KeywayCommands>;
  if (!r.keywayLimit) {
    redis.defineCommand("keywayLimit", { numberOfKeys: 2, lua: LIMIT_SCRIPT });
    redis.defineCommand("keywayRecord", { numberOfKeys: 1, lua: RECORD_SCRIPT });
  }
  return r as RedisLike & KeywayCommands;
}

/** Redis keys of one API key; the hash tag keeps them in one cluster slot. */
export const keysOf = (keyId: string) => ({
  limits: `rl:{${keyId}}`,
  usage: `u:{${keyId}}`,
});
