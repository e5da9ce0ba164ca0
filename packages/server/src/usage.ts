// Usage: the flusher that moves counts from Redis to PostgreSQL, and the read model the charts and
// the CLI use (PostgreSQL plus whatever Redis still holds, so a request shows up within seconds).
import { randomBytes } from "node:crypto";
import { periodStart, stepFrom, WINDOWS, type KeyStore, type LimitDecision, type LimitTarget, type Limits, type UsageCounts } from "@keyway/core";
import { addCounts, DomainError, rollUp, usageStore, zeroCounts, type Db, type UsagePeriod } from "@keyway/db";
import { deleteTaken, openUsage, readRecent, RECENT_DEFAULT, takeUsageChunks, type RedisLike } from "@keyway/redis";
import type { Logger } from "pino";

export type UsageRange = "hour" | "day" | "month" | "year";

/** Each chart range: its bucket size and how many buckets it shows. */
export const RANGES: Record<UsageRange, { period: UsagePeriod; points: number }> = {
  hour: { period: "minute", points: 60 },
  day: { period: "hour", points: 24 },
  month: { period: "day", points: 30 },
  year: { period: "month", points: 12 },
};

export interface UsagePoint extends UsageCounts {
  start: string;
}


export interface FlusherDeps {
  db: Db;
  redis: RedisLike;
  keyPrefix: string;
  log: Logger;
  retentionDays: number;
  metrics?: { flushed(seconds: number): void; flushFailed(): void };
  clock?: () => number;
  /** Runs after each pass: the credit reconciliation (credits.ts). */
  afterPass?: () => Promise<unknown>;
}

export interface UsageDeps extends FlusherDeps {
  keyStore: KeyStore;
  /** How many recent verifications a key keeps (RECENT_VERIFICATIONS). */
  recentVerifications?: number;
  limiter: { peek(target: LimitTarget): Promise<LimitDecision> };
}

/**
 * The periodic flusher's rest after each chunk, in multiples of the chunk's time: a pass spreads
 * its CPU (the flusher's, PostgreSQL's, Redis's) over about three times its work instead of taking
 * a core at once, which showed as the worst seconds of the request path's tail (docs/benchmarks.md).
 */
const PASS_REST = 2;

/** The write side: moves counts from Redis to PostgreSQL. Runs on any number of instances at once. */
export function usageFlusher(deps: FlusherDeps) {
  const store = usageStore(deps.db);
  const now = () => (deps.clock ?? Date.now)();
  const token = () => `${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;

  /**
   * Moves every usage hash from Redis to PostgreSQL once, 500 keys per transaction, letting
   * requests through between chunks. Safe to run on many instances at once. `rest`: after each
   * chunk, a pause of that many times the chunk's own duration (at most 2 s), so that a pass
   * spreads its CPU (its own, PostgreSQL's, Redis's) instead of taking a core at once.
   */
  async function flushOnce(rest = 0): Promise<{ keys: number; requests: number }> {
    let keys = 0;
    let requests = 0;
    let t0 = performance.now();
    for await (const taken of takeUsageChunks(deps.redis, deps.keyPrefix, token)) {
      if (taken.length === 0) continue;
      await store.apply(taken.map((t) => ({ token: t.token, keyId: t.keyId, minutes: t.minutes })));
      await deleteTaken(deps.redis, taken.map((t) => t.name));
      keys += taken.length;
      for (const t of taken) for (const c of t.minutes.values()) requests += c.allowed + c.rateLimited;
      const pause = Math.min(2_000, rest * (performance.now() - t0));
      await new Promise((resolve) => (pause > 0 ? setTimeout(resolve, pause) : setImmediate(resolve)));
      t0 = performance.now();
    }
    return { keys, requests };
  }

  /** Runs the flusher every `intervalMs` and prunes old usage hourly; returns a stop function. */
  function start(intervalMs: number): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    let busy = false;
    let lastPrune = 0;
    const tick = () => {
      if (busy) return; // the last pass is still going: never two at once in one process
      busy = true;
      running = (async () => {
        try {
          const t0 = performance.now();
          await flushOnce(PASS_REST);
          await deps.afterPass?.();
          deps.metrics?.flushed((performance.now() - t0) / 1000);
          if (now() - lastPrune > 3_600_000) {
            lastPrune = now();
            await store.prune(deps.retentionDays, now());
          }
        } catch (error) {
          // Redis or PostgreSQL away: the counts stay in Redis and go next time.
          deps.metrics?.flushFailed();
          deps.log.warn({ err: (error as Error).message }, "usage flush postponed");
        } finally {
          busy = false;
        }
      })();
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  return { flushOnce, start };
}

/**
 * The read side (charts, quota, CLI), plus one flush pass on demand (the CLI, tests); processes
 * run the flusher on its own connections (createFlusher).
 */
export function usageService(deps: UsageDeps) {
  const store = usageStore(deps.db);
  const now = () => (deps.clock ?? Date.now)();
  const { flushOnce } = usageFlusher(deps);

  async function keyIdsOf(scope: { userId: string } | { workspaceId: string; environment?: "live" | "test" }): Promise<string[]> {
    return (await deps.db.apiKey.findMany({ where: scope, select: { id: true } })).map((k) => k.id);
  }

  /** What Redis still holds for these keys (their usage hashes live under their workspace's tag). */
  async function liveUsage(keyIds: string[]) {
    const keys = await deps.db.apiKey.findMany({ where: { id: { in: keyIds } }, select: { id: true, workspaceId: true } });
    return openUsage(deps.redis, keys);
  }

  /**
   * Counts per bucket over a range, oldest first: for some keys, a workspace's keys or the keys a
   * user created (PostgreSQL plus
   * what Redis holds, so a request shows at once), or the whole platform (PostgreSQL: up to one
   * flush interval behind).
   */
  async function series(scope: { keyIds: string[] } | { userId: string } | { workspaceId: string; environment?: "live" | "test" } | "all", range: UsageRange): Promise<{ points: UsagePoint[]; totals: UsageCounts }> {
    const { period, points } = RANGES[range];
    const current = periodStart(period, now());
    const first = new Date(stepFrom(period, current, -(points - 1)));
    const keyIds = scope === "all" ? [] : "keyIds" in scope ? scope.keyIds : await keyIdsOf(scope);
    const slots = new Map<number, UsageCounts>();
    for (let i = points - 1; i >= 0; i--) slots.set(stepFrom(period, current, -i), zeroCounts());
    const addTo = (start: number, c: UsageCounts) => {
      const slot = slots.get(start);
      if (slot) slots.set(start, addCounts(slot, c));
    };
    if (scope === "all") {
      for (const b of await store.totals(period, first)) addTo(b.start.getTime(), b);
    } else if (keyIds.length > 0) {
      for (const b of await store.buckets({ keyIds }, period, first)) addTo(b.start.getTime(), b);
      for (const open of (await liveUsage(keyIds)).values()) {
        for (const [slot, c] of rollUp(open.minutes)) {
          const [p, start] = slot.split("|");
          if (p === period) addTo(Number(start), c);
        }
      }
    }
    let totals = zeroCounts();
    const out: UsagePoint[] = [];
    for (const [start, c] of slots) {
      out.push({ start: new Date(start).toISOString(), ...c });
      totals = addCounts(totals, c);
    }
    return { points: out, totals };
  }

  /**
   * Keys with `lastUsedAt` brought up to date from Redis: PostgreSQL has it only as of the last
   * flush. Without Redis, the keys as PostgreSQL has them.
   */
  async function withLastUse<K extends { id: string; workspaceId: string; lastUsedAt: Date | null }>(keys: K[]): Promise<K[]> {
    const open = await openUsage(deps.redis, keys).catch(() => new Map<string, { lastUsedAt: number | null }>());
    return keys.map((k) => {
      const live = open.get(k.id)?.lastUsedAt ?? 0;
      return live > (k.lastUsedAt?.getTime() ?? 0) ? { ...k, lastUsedAt: new Date(live) } : k;
    });
  }

  /** The seed's usage stats for one key, complete (PostgreSQL + Redis). */
  async function summary(keyId: string) {
    const [monthly, daily, key, open] = await Promise.all([
      store.buckets({ keyIds: [keyId] }, "month", new Date(0)),
      store.buckets({ keyIds: [keyId] }, "day", new Date(0)),
      deps.db.apiKey.findUnique({ where: { id: keyId }, select: { lastUsedAt: true } }),
      liveUsage([keyId]),
    ]);
    const byMonth = new Map<string, UsageCounts>();
    const byDay = new Map<string, UsageCounts>();
    const bump = (m: Map<string, UsageCounts>, k: string, c: UsageCounts) => m.set(k, addCounts(m.get(k) ?? zeroCounts(), c));
    for (const b of monthly) bump(byMonth, b.start.toISOString().slice(0, 7), b);
    for (const b of daily) bump(byDay, b.start.toISOString().slice(0, 10), b);
    const live = open.get(keyId) ?? { minutes: new Map<number, UsageCounts>(), lastUsedAt: null };
    for (const [minute, c] of live.minutes) {
      const iso = new Date(minute * 60_000).toISOString();
      bump(byMonth, iso.slice(0, 7), c);
      bump(byDay, iso.slice(0, 10), c);
    }
    const totals = [...byMonth.values()].reduce(addCounts, zeroCounts());
    const last = Math.max(key?.lastUsedAt?.getTime() ?? 0, live.lastUsedAt ?? 0);
    const requests = (c: UsageCounts) => c.allowed + c.rateLimited;
    return {
      total: requests(totals),
      successful: totals.successful,
      failed: totals.failed,
      rateLimited: totals.rateLimited,
      lastRequestAt: last > 0 ? new Date(last).toISOString() : null,
      daily: Object.fromEntries([...byDay].sort().map(([d, c]) => [d, requests(c)])),
      monthly: Object.fromEntries([...byMonth].sort().map(([m, c]) => [m, requests(c)])),
    };
  }

  /** The busiest keys over a range (or those refused most), with their owner, for the admin overview. */
  async function topKeys(range: UsageRange, by: "requests" | "rateLimited", take = 10) {
    const { period, points } = RANGES[range];
    const since = new Date(stepFrom(period, periodStart(period, now()), -(points - 1)));
    const top = await store.topKeys(period, since, by, take);
    const keys = await deps.db.apiKey.findMany({
      where: { id: { in: top.map((t) => t.keyId) } },
      select: { id: true, name: true, prefix: true, status: true, user: { select: { id: true, email: true } }, workspace: { select: { id: true, name: true, tierName: true } } },
    });
    const byId = new Map(keys.map((k) => [k.id, k]));
    return top.flatMap((t) => {
      const k = byId.get(t.keyId);
      return k ? [{ ...t, name: k.name, prefix: k.prefix, status: k.status, userId: k.user?.id ?? null, email: k.user?.email ?? null, workspaceId: k.workspace.id, workspaceName: k.workspace.name, tier: k.workspace.tierName }] : [];
    });
  }

  /**
   * How much of each window one key has left right now, with its effective limits (counts
   * nothing). With a workspace: only that workspace's key (another's is "no such key").
   */
  async function quota(keyId: string, workspaceId?: string) {
    const record = await deps.keyStore.findById(keyId);
    if (!record || (workspaceId !== undefined && record.workspace.id !== workspaceId)) throw new DomainError("NOT_FOUND", "No such key.");
    // each window's bar shows the limit that binds it, as the headers do: the key's own or its workspace's
    const { windows, scopes } = await deps.limiter.peek(record.limitTarget);
    return WINDOWS.map((window) => ({ window, scope: windows[window] === scopes.key?.[window] ? ("key" as const) : ("workspace" as const), ...windows[window] }));
  }

  /** How much of each window of a workspace's plan (shared by all its keys) is left right now (counts nothing). */
  async function workspaceQuota(workspace: { id: string; limits: Limits }) {
    const { windows } = await deps.limiter.peek({ id: workspace.id, limits: null, workspace });
    return WINDOWS.map((window) => ({ window, scope: "workspace" as const, ...windows[window] }));
  }

  /** One of the workspace's keys' latest verifications, newest first: when, the answer, why, from where. */
  async function recent(keyId: string, workspaceId: string) {
    const record = await deps.keyStore.findById(keyId);
    if (!record || record.workspace.id !== workspaceId) throw new DomainError("NOT_FOUND", "No such key.");
    return readRecent(deps.redis, { keyId, workspaceId }, deps.recentVerifications ?? RECENT_DEFAULT);
  }

  return { flushOnce, series, summary, topKeys, quota, workspaceQuota, recent, withLastUse };
}
export type UsageService = ReturnType<typeof usageService>;
