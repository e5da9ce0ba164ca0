// Usage in PostgreSQL: buckets per key per minute / hour / day / month (UTC), filled by the
// flusher from Redis. A flush batch carries a token; the token is recorded in the same transaction
// as the increments, so a batch that is applied, then retried after a crash, counts once.
import type { Db } from "./client.ts";
import { Prisma, type UsagePeriod } from "./generated/prisma/client.ts";

export interface Counts {
  allowed: number;
  rateLimited: number;
  successful: number;
  failed: number;
}

export interface FlushBatch {
  token: string;
  keyId: string;
  /** minute number (ms / 60000) -> counts */
  minutes: Map<number, Counts>;
  lastUsedAt: number | null;
}

export const PERIODS: UsagePeriod[] = ["minute", "hour", "day", "month"];

export function periodStart(period: UsagePeriod, ms: number): Date {
  const d = new Date(ms);
  switch (period) {
    case "minute":
      return new Date(Math.floor(ms / 60_000) * 60_000);
    case "hour":
      return new Date(Math.floor(ms / 3_600_000) * 3_600_000);
    case "day":
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    case "month":
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  }
}

export const addCounts = (a: Counts, b: Counts): Counts => ({
  allowed: a.allowed + b.allowed,
  rateLimited: a.rateLimited + b.rateLimited,
  successful: a.successful + b.successful,
  failed: a.failed + b.failed,
});
export const zeroCounts = (): Counts => ({ allowed: 0, rateLimited: 0, successful: 0, failed: 0 });

/** Rolls per-minute counts up into every period: "period|startMs" -> counts. */
export function rollUp(minutes: Map<number, Counts>): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const [minute, counts] of minutes) {
    for (const period of PERIODS) {
      const slot = `${period}|${periodStart(period, minute * 60_000).getTime()}`;
      out.set(slot, addCounts(out.get(slot) ?? zeroCounts(), counts));
    }
  }
  return out;
}

export function usageStore(db: Db) {
  return {
    /**
     * Applies batches once each (a batch's token is recorded in the same transaction); returns the
     * tokens now safe to delete from Redis. Rows go in as arrays (unnest), one statement for any
     * number of keys.
     */
    async apply(batches: FlushBatch[]): Promise<string[]> {
      if (batches.length === 0) return [];
      const owners = new Map(
        (await db.apiKey.findMany({ where: { id: { in: [...new Set(batches.map((b) => b.keyId))] } }, select: { id: true, userId: true } })).map((k) => [k.id, k.userId]),
      );
      await db.$transaction(async (tx) => {
        const fresh = await tx.$queryRaw<{ token: string }[]>`
          INSERT INTO "UsageFlush" ("token") SELECT DISTINCT unnest(${[...new Set(batches.map((b) => b.token))]}::text[])
          ON CONFLICT DO NOTHING RETURNING "token"`;
        const todo = new Set(fresh.map((r) => r.token));
        // One row per (key, period, start); several batches of one key add up before the upsert.
        const rows = new Map<string, { keyId: string; userId: string; period: UsagePeriod; start: number; c: Counts }>();
        const lastUsed = new Map<string, number>();
        for (const batch of batches) {
          const userId = owners.get(batch.keyId);
          if (!todo.has(batch.token) || !userId) continue; // applied before, or the key is gone
          for (const [slot, c] of rollUp(batch.minutes)) {
            const [period, start] = slot.split("|") as [UsagePeriod, string];
            const id = `${batch.keyId}|${slot}`;
            const row = rows.get(id);
            if (row) row.c = addCounts(row.c, c);
            else rows.set(id, { keyId: batch.keyId, userId, period, start: Number(start), c });
          }
          if (batch.lastUsedAt) lastUsed.set(batch.keyId, Math.max(lastUsed.get(batch.keyId) ?? 0, batch.lastUsedAt));
        }
        const list = [...rows.values()];
        if (list.length > 0) {
          await tx.$executeRaw`
            INSERT INTO "UsageBucket" ("keyId", "userId", "period", "start", "allowed", "rateLimited", "successful", "failed")
            SELECT k, u, p::"UsagePeriod", to_timestamp(s / 1000.0) AT TIME ZONE 'UTC', a, l, ok, f
            FROM unnest(${list.map((r) => r.keyId)}::text[], ${list.map((r) => r.userId)}::text[], ${list.map((r) => r.period)}::text[],
                        ${list.map((r) => r.start)}::float8[], ${list.map((r) => r.c.allowed)}::int[], ${list.map((r) => r.c.rateLimited)}::int[],
                        ${list.map((r) => r.c.successful)}::int[], ${list.map((r) => r.c.failed)}::int[]) AS t(k, u, p, s, a, l, ok, f)
            ON CONFLICT ("keyId", "period", "start") DO UPDATE SET
              "allowed" = "UsageBucket"."allowed" + EXCLUDED."allowed",
              "rateLimited" = "UsageBucket"."rateLimited" + EXCLUDED."rateLimited",
              "successful" = "UsageBucket"."successful" + EXCLUDED."successful",
              "failed" = "UsageBucket"."failed" + EXCLUDED."failed"`;
        }
        if (lastUsed.size > 0) {
          await tx.$executeRaw`
            UPDATE "ApiKey" SET "lastUsedAt" = to_timestamp(t.ms / 1000.0) AT TIME ZONE 'UTC'
            FROM unnest(${[...lastUsed.keys()]}::text[], ${[...lastUsed.values()]}::float8[]) AS t(id, ms)
            WHERE "ApiKey".id = t.id AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < to_timestamp(t.ms / 1000.0) AT TIME ZONE 'UTC')`;
          // (Only rows that move forward are written: usage is per minute, so most flushes of a busy
          // key find the same minute and leave the row, its indexes and a dead tuple alone.)
        }
      });
      return [...new Set(batches.map((b) => b.token))];
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
