// Usage in PostgreSQL: buckets per key per minute / hour / day / month (UTC), filled by the
// flusher from Redis. A flush batch carries a token; the token is recorded in the same transaction
// as the increments, so a batch that is applied, then retried after a crash, counts once.
import { periodStart, type UsageCounts } from "@keyway/core";
import type { Db } from "./client.ts";
import { Prisma, type UsagePeriod } from "./generated/prisma/client.ts";


export interface FlushBatch {
  token: string;
  keyId: string;
  /** minute number (ms / 60000) -> counts */
  minutes: Map<number, UsageCounts>;
}

export const PERIODS: UsagePeriod[] = ["minute", "hour", "day", "month"];


export const addCounts = (a: UsageCounts, b: UsageCounts): UsageCounts => ({
  allowed: a.allowed + b.allowed,
  rateLimited: a.rateLimited + b.rateLimited,
  successful: a.successful + b.successful,
  failed: a.failed + b.failed,
});
export const zeroCounts = (): UsageCounts => ({ allowed: 0, rateLimited: 0, successful: 0, failed: 0 });

/** Rolls per-minute counts up into every period: "period|startMs" -> counts. */
export function rollUp(minutes: Map<number, UsageCounts>): Map<string, UsageCounts> {
  const out = new Map<string, UsageCounts>();
  for (const [minute, counts] of minutes) {
    for (const period of PERIODS) {
      const slot = `${period}|${periodStart(period, minute * 60_000)}`;
      out.set(slot, addCounts(out.get(slot) ?? zeroCounts(), counts));
    }
  }
  return out;
}

export function usageStore(db: Db) {
  return {
    /**
     * Applies batches once each (a batch's token is recorded in the same statement as its
     * increments); returns the tokens now safe to delete from Redis. One statement for any number
     * of keys: the counts travel as one JSON text (one row per key and minute), and PostgreSQL
     * rolls them up into every period, finds each key's owner (skipping keys deleted since) and
     * moves "last used" forward. Passing thousands of rows as one text costs the flusher almost
     * nothing; as bound arrays, converting them took most of a flush pass's CPU.
     */
    async apply(batches: FlushBatch[]): Promise<string[]> {
      if (batches.length === 0) return [];
      const rows: { t: string; k: string; m: number; a: number; l: number; s: number; f: number }[] = [];
      for (const b of batches) {
        for (const [m, c] of b.minutes) rows.push({ t: b.token, k: b.keyId, m, a: c.allowed, l: c.rateLimited, s: c.successful, f: c.failed });
      }
      const tokens = [...new Set(batches.map((b) => b.token))];
      if (rows.length === 0) return tokens;
      // "last used" is the latest minute with a request (allowed or refused), as parseUsageHash says.
      await db.$executeRaw`
        WITH input AS (
          SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS t(t text, k text, m bigint, a int, l int, s int, f int)
        ), fresh AS (
          INSERT INTO "UsageFlush" ("token") SELECT DISTINCT t FROM input ON CONFLICT DO NOTHING RETURNING "token"
        ), todo AS (
          SELECT i.k, ak."userId" AS u, to_timestamp(i.m * 60) AT TIME ZONE 'UTC' AS at, i.a, i.l, i.s, i.f
          FROM input i JOIN fresh ON fresh."token" = i.t JOIN "ApiKey" ak ON ak.id = i.k
        ), buckets AS (
          INSERT INTO "UsageBucket" ("keyId", "userId", "period", "start", "allowed", "rateLimited", "successful", "failed")
          SELECT k, u, p.period::"UsagePeriod", date_trunc(p.period, at), sum(a), sum(l), sum(s), sum(f)
          FROM todo CROSS JOIN (VALUES ('minute'), ('hour'), ('day'), ('month')) AS p(period)
          GROUP BY k, u, p.period, date_trunc(p.period, at)
          ON CONFLICT ("keyId", "period", "start") DO UPDATE SET
            "allowed" = "UsageBucket"."allowed" + EXCLUDED."allowed",
            "rateLimited" = "UsageBucket"."rateLimited" + EXCLUDED."rateLimited",
            "successful" = "UsageBucket"."successful" + EXCLUDED."successful",
            "failed" = "UsageBucket"."failed" + EXCLUDED."failed"
          RETURNING 1
        ), used AS (
          -- only rows that move forward are written: usage is per minute, so most flushes of a busy
          -- key find the same minute and leave the row, its indexes and a dead tuple alone
          UPDATE "ApiKey" SET "lastUsedAt" = last.at
          FROM (SELECT k, max(at) AS at FROM todo WHERE a + l > 0 GROUP BY k) AS last
          WHERE "ApiKey".id = last.k AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < last.at)
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM buckets) + (SELECT count(*) FROM used)`;
      return tokens;
    },

    /** Buckets of one period from `since`, for some keys or one user's keys. */
    async buckets(where: { keyIds?: string[]; userId?: string }, period: UsagePeriod, since: Date) {
      return db.usageBucket.findMany({
        where: { period, start: { gte: since }, ...(where.keyIds ? { keyId: { in: where.keyIds } } : {}), ...(where.userId ? { userId: where.userId } : {}) },
        select: { keyId: true, start: true, allowed: true, rateLimited: true, successful: true, failed: true },
        orderBy: { start: "asc" },
      });
    },

    /** Platform-wide counts per bucket start (every key together). */
    async totals(period: UsagePeriod, since: Date) {
      const rows = await db.usageBucket.groupBy({
        by: ["start"],
        where: { period, start: { gte: since } },
        _sum: { allowed: true, rateLimited: true, successful: true, failed: true },
      });
      return rows.map((r) => ({
        start: r.start,
        allowed: r._sum.allowed ?? 0,
        rateLimited: r._sum.rateLimited ?? 0,
        successful: r._sum.successful ?? 0,
        failed: r._sum.failed ?? 0,
      }));
    },

    /** The keys with the most requests (or refusals) since a time, most first. */
    async topKeys(period: UsagePeriod, since: Date, by: "requests" | "rateLimited", take: number) {
      const rows = await db.$queryRaw<{ keyId: string; requests: bigint; rateLimited: bigint }[]>`
        SELECT "keyId", SUM("allowed" + "rateLimited") AS requests, SUM("rateLimited") AS "rateLimited"
        FROM "UsageBucket" WHERE "period" = ${period}::"UsagePeriod" AND "start" >= ${since}
        GROUP BY "keyId"
        HAVING SUM(${by === "requests" ? Prisma.sql`"allowed" + "rateLimited"` : Prisma.sql`"rateLimited"`}) > 0
        ORDER BY ${by === "requests" ? Prisma.sql`requests` : Prisma.sql`"rateLimited"`} DESC, "keyId"
        LIMIT ${take}`;
      return rows.map((r) => ({ keyId: r.keyId, requests: Number(r.requests), rateLimited: Number(r.rateLimited) }));
    },

    /** Deletes minute buckets older than two days and everything older than the retention. */
    async prune(retentionDays: number, now = Date.now()): Promise<number> {
      const cutoff = new Date(now - retentionDays * 86_400_000);
      const minuteCutoff = new Date(now - 2 * 86_400_000);
      const a = await db.usageBucket.deleteMany({ where: { start: { lt: cutoff } } });
      const b = await db.usageBucket.deleteMany({ where: { period: "minute", start: { lt: minuteCutoff } } });
      const c = await db.usageFlush.deleteMany({ where: { at: { lt: new Date(now - 7 * 86_400_000) } } });
      return a.count + b.count + c.count;
    },
  };
}
export type UsageStore = ReturnType<typeof usageStore>;
