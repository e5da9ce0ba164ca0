// The Lua scripts, registered with ioredis's defineCommand: EVALSHA, with EVAL on NOSCRIPT
// (after a restart, a failover, or on a new cluster node).
import { Cluster, type Redis } from "ioredis";
import limitLua from "./lua/limit.ts";
import recordLua from "./lua/record.ts";
import takeLua from "./lua/take.ts";

export const LIMIT_SCRIPT = limitLua;
export const RECORD_SCRIPT = recordLua;

export type RedisLike = Redis | Cluster;

/** The scripts take a batch: the number of keys first, then the keys, then the arguments. */
export interface KeywayCommands {
  keywayLimit(numberOfKeys: number, ...args: (string | number)[]): Promise<string>;
  keywayRecord(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  keywayTake(numberOfKeys: number, ...keys: string[]): Promise<string[][]>;
}

export function withScripts(redis: RedisLike): RedisLike & KeywayCommands {
  const r = redis as RedisLike & Partial<KeywayCommands>;
  if (!r.keywayLimit) {
    redis.defineCommand("keywayLimit", { lua: LIMIT_SCRIPT });
    redis.defineCommand("keywayRecord", { lua: RECORD_SCRIPT });
    redis.defineCommand("keywayTake", { lua: takeLua });
  }
  return r as RedisLike & KeywayCommands;
}

/**
 * How many requests one script call may carry: one on a Redis Cluster (a script's keys must share
 * a slot, and each API key has its own), a bounded batch on a single Redis (the call holds Redis
 * for its whole run, so a batch bounds how long anything else waits behind it; `pnpm bench:script`
 * measures the script's time a request).
 */
export const batchSize = (redis: RedisLike, max: number) => (redis instanceof Cluster ? 1 : max);

export function chunks<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Redis keys of one limit target: its own limiter state, its workspace's (when it has one), its
 * usage hash, its recent verifications and its credit balances. One hash tag, the workspace's id when there is one,
 * keeps them in one cluster slot.
 */
export function keysOf(keyId: string, workspaceId?: string) {
  const own = workspaceId === undefined ? `{${keyId}}` : `{${workspaceId}}:${keyId}`;
  return {
    limits: `rl:${own}`,
    usage: `u:${own}`,
    recent: `vr:${own}`,
    /** The key's credit balance, and its workspace's. */
    credits: `cr:${own}`,
    workspace: workspaceId === undefined ? null : `rw:{${workspaceId}}`,
    workspaceCredits: workspaceId === undefined ? null : `cw:{${workspaceId}}`,
  };
}
