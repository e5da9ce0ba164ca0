// Usage counters in Redis. The limit script counts allowed and rate-limited requests; outcomes
// (successful / failed) and refusals answered from the negative cache arrive here and are written
// in batches, atomically (HINCRBY), so nothing is lost to read-modify-write races.
import type { UsageCounts } from "@keyway/core";
import { Cluster } from "ioredis";
import { batchSize, chunks, keysOf, withScripts, type KeywayCommands, type RedisLike } from "./scripts.ts";

/**
 * Counts per script call on a single Redis. The calls of a flush go one after another, so a limit
 * check sent meanwhile waits behind one small call at most, not behind the whole flush (which,
 * sent at once in large calls, held Redis long enough to show in the limit checks' tail).
 */
const RECORD_BATCH = 64;

/** The usage hash's fields "<minute>:<field>": one letter each, as the limit script writes them. */
export const USAGE_FIELD = { allowed: "a", rateLimited: "l", successful: "s", failed: "f" } as const;
export type UsageField = (typeof USAGE_FIELD)[keyof typeof USAGE_FIELD];

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  usageTtlMs?: number;
  clock?: () => number;
  /** Pending counts kept while Redis is away; past this, new ones are dropped and reported. */
  maxPending?: number;
  onDropped?: (n: number) => void;
}

/** A pending count's map key: "<usage hash name>|<field>". */
const slotParts = (slot: string) => {
  const bar = slot.indexOf("|");
  return [slot.slice(0, bar), slot.slice(bar + 1) as UsageField] as const;
};

export class UsageRecorder {
  private readonly redis: RedisLike & KeywayCommands;
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(redis: RedisLike, private readonly o: UsageRecorderOptions = {}) {
    this.redis = withScripts(redis);
  }

  /** Counts n of `field` for a key (of a workspace: where its usage hash lives). */
  record(key: { keyId: string; workspaceId?: string }, field: UsageField, n = 1): void {
    this.recordTo(keysOf(key.keyId, key.workspaceId).usage, field, n);
  }

  /** The same, by the usage hash's name (the limiter has it already). */
  recordTo(usage: string, field: UsageField, n = 1): void {
    const slot = `${usage}|${field}`;
    if (!this.pending.has(slot) && this.pending.size >= (this.o.maxPending ?? 100_000)) {
      this.o.onDropped?.(n);
      return;
    }
    this.pending.set(slot, (this.pending.get(slot) ?? 0) + n);
    this.timer ??= setTimeout(() => void this.flush(), this.o.flushIntervalMs ?? 50);
    this.timer.unref?.();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending = new Map();
    if (batch.length === 0) return;
    const now = this.o.clock ? String(this.o.clock()) : "";
    const ttl = this.o.usageTtlMs ?? 7 * 86_400_000;
    const again = (part: [string, number][]) => {
      for (const [slot, n] of part) this.recordTo(...slotParts(slot), n); // with the next batch
    };
    /** One script call; false (its counts kept for the next batch) if it failed. */
    const send = async (part: [string, number][]): Promise<boolean> => {
      const keys: string[] = [];
      const args: (string | number)[] = [now, ttl];
      for (const [slot, n] of part) {
        const [usage, field] = slotParts(slot);
        keys.push(usage);
        args.push(field, n);
      }
      try {
        await this.redis.keywayRecord(keys.length, ...keys, ...args);
        return true;
      } catch {
        again(part);
        return false;
      }
    };
    // One script call per RECORD_BATCH counts, in turn, on a single Redis (after a failure the
    // rest wait for the next batch: Redis is away); on a cluster one per key, all at once (each
    // is one HINCRBY, on the key's own node).
    const parts = chunks(batch, batchSize(this.redis, RECORD_BATCH));
    if (this.redis instanceof Cluster) {
      await Promise.all(parts.map(send));
      return;
    }
    for (let i = 0; i < parts.length; i++) {
      if (await send(parts[i]!)) continue;
      parts.slice(i + 1).forEach(again);
      return;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.timer);
  }
}


/**
 * Parses a usage hash (as HGETALL's object, or a script's flat field/value list) into per-minute
 * counts (minute number -> counts) and the last use (minute start).
 */
export function parseUsageHash(hash: Record<string, string> | string[]): { minutes: Map<number, UsageCounts>; lastUsedAt: number | null } {
  const minutes = new Map<number, UsageCounts>();
  let lastUsedAt: number | null = null;
  // the flusher's script lists are walked as they are (no pair made per field)
  const flat = Array.isArray(hash) ? hash : Object.entries(hash).flat();
  for (let i = 0; i < flat.length; i += 2) {
    const value = flat[i + 1]!;
    const [m, kind] = flat[i]!.split(":");
    const minute = Number(m);
    if (!Number.isFinite(minute)) continue;
    // last use, to the minute: the latest minute with any request
    if ((kind === USAGE_FIELD.allowed || kind === USAGE_FIELD.rateLimited) && (lastUsedAt === null || minute * 60_000 > lastUsedAt)) lastUsedAt = minute * 60_000;
    const c = minutes.get(minute) ?? { allowed: 0, rateLimited: 0, successful: 0, failed: 0 };
    const n = Number(value);
    if (kind === USAGE_FIELD.allowed) c.allowed += n;
    else if (kind === USAGE_FIELD.rateLimited) c.rateLimited += n;
    else if (kind === USAGE_FIELD.successful) c.successful += n;
    else if (kind === USAGE_FIELD.failed) c.failed += n;
    minutes.set(minute, c);
  }
  return { minutes, lastUsedAt };
}

// u:{<keyId>} (a key without a workspace, or a throttle) or u:{<workspaceId>}:<keyId>; taken
// ones end in :f:<token> (a key id is 16 characters, so never "f").
const LIVE = /u:\{([0-9A-Za-z]+)\}(?::([0-9A-Za-z]{2,}))?$/;
const TAKEN = /u:\{([0-9A-Za-z]+)\}(?::([0-9A-Za-z]{2,}))?:f:([0-9a-z-]+)$/;

export interface TakenUsage {
  keyId: string;
  token: string;
  /** Key name without the client's keyPrefix. */
  name: string;
  minutes: Map<number, UsageCounts>;
  lastUsedAt: number | null;
}

async function scanAll(redis: RedisLike, match: string): Promise<string[]> {
  // On a cluster every master holds part of the key space.
  const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
  const names: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", match, "COUNT", 1000);
      cursor = next;
      names.push(...batch);
    } while (cursor !== "0");
  }
  return names;
}

/** Keys per take-script call on a single Redis (~0.5 ms of Redis each). */
const TAKE_CALL = 100;

/** Runs one command per item, CHUNK at a time: a pipeline on one Redis, parallel calls on a cluster. */
const CHUNK = 500;
async function each<T, R>(redis: RedisLike, items: T[], command: (r: RedisLike, item: T) => Promise<R>): Promise<(R | Error)[]> {
  const out: (R | Error)[] = [];
  for (const chunk of chunks(items, CHUNK)) {
    if (redis instanceof Cluster) {
      out.push(...(await Promise.all(chunk.map((item) => command(redis, item).catch((e: Error) => e)))));
    } else {
      const pipeline = redis.pipeline();
      for (const item of chunk) void command(pipeline as unknown as RedisLike, item);
      const results = await pipeline.exec().catch((e: Error) => chunk.map((): [Error, null] => [e, null]));
      out.push(...(results ?? []).map(([error, value]) => (error ?? value) as R | Error));
    }
  }
  return out;
}

/**
 * Takes every usage hash out of the live key space, CHUNK keys at a time: each `u:{id}` is
 * RENAMEd (atomic) to `u:{id}:f:<token>`, one token per chunk, so requests counted after this land
 * in a fresh hash. Hashes taken by a flush that died before it finished come first, grouped by
 * their original token. The caller applies (and deletes) each chunk before asking for the next, so
 * a flush of many keys never holds the event loop for long.
 */
export async function* takeUsageChunks(redis: RedisLike, keyPrefix: string, newToken: () => string, chunk = CHUNK): AsyncGenerator<TakenUsage[]> {
  const names = await scanAll(redis, `${keyPrefix}u:{*`);
  const live: { name: string; keyId: string }[] = [];
  const leftovers = new Map<string, { name: string; keyId: string; token: string }[]>();
  for (const full of names) {
    const name = full.slice(keyPrefix.length);
    const l = LIVE.exec(name);
    if (l) live.push({ name, keyId: l[2] ?? l[1]! });
    else {
      const old = TAKEN.exec(name);
      if (old) {
        const group = leftovers.get(old[3]!) ?? [];
        group.push({ name, keyId: old[2] ?? old[1]!, token: old[3]! });
        leftovers.set(old[3]!, group);
      }
    }
  }
  for (const group of leftovers.values()) {
    for (let i = 0; i < group.length; i += chunk) yield read(redis, group.slice(i, i + chunk));
  }
  for (let i = 0; i < live.length; i += chunk) yield take(redis, live.slice(i, i + chunk), newToken());
}

/**
 * Renames a chunk of live hashes to their taken names and reads them, as many keys a script call
 * as `batchSize` allows: TAKE_CALL on a single Redis, the calls one after the other (a script holds
 * Redis while it runs, and every limit check behind it waits); one
 * on a cluster, the calls together. A hash gone since the scan (another instance's flusher took
 * it) is left out.
 */
async function take(redis: RedisLike, live: { name: string; keyId: string }[], token: string): Promise<TakenUsage[]> {
  const pairs = live.map((t) => ({ from: t.name, taken: { name: `${t.name}:f:${token}`, keyId: t.keyId, token } }));
  const call = (part: typeof pairs) => withScripts(redis).keywayTake(part.length * 2, ...part.flatMap((p) => [p.from, p.taken.name]));
  const parts = chunks(pairs, batchSize(redis, TAKE_CALL));
  const fields: string[][] = [];
  if (redis instanceof Cluster) fields.push(...(await Promise.all(parts.map(call))).flat());
  else for (const part of parts) fields.push(...(await call(part)));
  return pairs.flatMap((p, n) => (fields[n]!.length === 0 ? [] : [{ ...p.taken, ...parseUsageHash(fields[n]!) }]));
}

async function read(redis: RedisLike, taken: { name: string; keyId: string; token: string }[]): Promise<TakenUsage[]> {
  const hashes = await each(redis, taken, (r, t) => r.hgetall(t.name));
  return taken.flatMap((t, i) => {
    const hash = hashes[i];
    return hash instanceof Error || hash === undefined ? [] : [{ ...t, ...parseUsageHash(hash) }];
  });
}

/** Every usage hash at once (tests, tools); the flusher uses takeUsageChunks. */
export async function takeUsage(redis: RedisLike, keyPrefix: string, newToken: () => string): Promise<TakenUsage[]> {
  const out: TakenUsage[] = [];
  for await (const part of takeUsageChunks(redis, keyPrefix, newToken)) out.push(...part);
  return out;
}

export async function deleteTaken(redis: RedisLike, names: string[]): Promise<void> {
  if (names.length === 0) return;
  // one DEL for a chunk on a single Redis; on a cluster each name has its own slot
  if (redis instanceof Cluster) await each(redis, names, (r, name) => r.del(name));
  else for (const part of chunks(names, CHUNK)) await redis.del(...part);
}

/** Usage not yet moved to PostgreSQL, for the charts, by key id: each key's live hash. */
export async function openUsage(redis: RedisLike, keys: { id: string; workspaceId: string }[]): Promise<Map<string, ReturnType<typeof parseUsageHash>>> {
  const out = new Map<string, ReturnType<typeof parseUsageHash>>();
  const hashes = await Promise.all(keys.map((k) => redis.hgetall(keysOf(k.id, k.workspaceId).usage)));
  keys.forEach((k, i) => out.set(k.id, parseUsageHash(hashes[i]!)));
  return out;
}
