// Credit balances in PostgreSQL: the truth as of the last reconciliation. Redis holds the live
// balance (the limit script takes each admitted request's cost from it); the reconciler writes it
// back here, and Redis starts again from here when it holds none (a restart, a new balance).
import { refillPeriod, type StoredBalance } from "@keyway/core";
import type { Db } from "./client.ts";
import { DomainError } from "./errors.ts";

/** The largest balance or refill amount (the int columns' range). */
export const MAX_CREDITS = 1_000_000_000;

/** A balance as set by a person or the platform: null removes it (only the limits apply). */
export type CreditsInput = { remaining: number; refill: { amount: number; interval: "daily" | "monthly" } | null } | null;

/** The credit columns' values for a new balance (a new version: Redis takes it on the next request). */
export function creditColumns(input: CreditsInput, version: number, now: number) {
  if (input !== null) {
    for (const [what, n] of [["balance", input.remaining], ["refill amount", input.refill?.amount ?? 0]] as const) {
      if (!Number.isInteger(n) || n < 0 || n > MAX_CREDITS) throw new DomainError("INVALID_INPUT", `The ${what} is a whole number from 0 to ${MAX_CREDITS.toLocaleString("en")}.`, what === "balance" ? "credits.remaining" : "credits.refill.amount");
    }
  }
  return {
    creditsRemaining: input?.remaining ?? null,
    creditsRefillAmount: input?.refill?.amount ?? null,
    creditsRefill: input?.refill?.interval ?? null,
    // the balance set now belongs to the current period: the first refill is the next one
    creditsPeriod: input?.refill ? refillPeriod(input.refill.interval, now) : 0,
    creditsVersion: version + 1,
    creditsSeq: 0n,
  };
}

/** How a balance reads to people (the portal, the audit log). */
export const creditsView = (row: { creditsRemaining: number | null; creditsRefillAmount: number | null; creditsRefill: "daily" | "monthly" | null }) =>
  row.creditsRemaining === null ? null : { remaining: row.creditsRemaining, refill: row.creditsRefill && row.creditsRefillAmount !== null ? { amount: row.creditsRefillAmount, interval: row.creditsRefill } : null };

export interface PoolRef {
  scope: "key" | "workspace";
  id: string;
  workspaceId: string;
  version: number;
  seq: number;
}

/** Every pool with a balance (active keys' and workspaces'), for the reconciler: a page at a time after `after`. */
export async function poolsWithCredits(db: Db, scope: "key" | "workspace", after: string, take = 500): Promise<PoolRef[]> {
  if (scope === "key") {
    const rows = await db.apiKey.findMany({
      where: { creditsRemaining: { not: null }, status: "active", id: { gt: after } },
      select: { id: true, workspaceId: true, creditsVersion: true, creditsSeq: true },
      orderBy: { id: "asc" },
      take,
    });
    return rows.map((r) => ({ scope, id: r.id, workspaceId: r.workspaceId, version: r.creditsVersion, seq: Number(r.creditsSeq) }));
  }
  const rows = await db.workspace.findMany({
    where: { creditsRemaining: { not: null }, id: { gt: after } },
    select: { id: true, creditsVersion: true, creditsSeq: true },
    orderBy: { id: "asc" },
    take,
  });
  return rows.map((r) => ({ scope, id: r.id, workspaceId: r.id, version: r.creditsVersion, seq: Number(r.creditsSeq) }));
}

/**
 * Writes live balances back, one statement per scope. Only forward: a row whose balance was set
 * since (another version) or that already holds a later state (a higher seq, from another
 * reconciler) keeps what it has. Returns how many rows moved.
 */
export async function applyBalances(db: Db, scope: "key" | "workspace", balances: { id: string; balance: StoredBalance }[]): Promise<number> {
  if (balances.length === 0) return 0;
  const ids = balances.map((b) => b.id);
  const remaining = balances.map((b) => b.balance.remaining);
  const periods = balances.map((b) => b.balance.period);
  const versions = balances.map((b) => b.balance.version);
  const seqs = balances.map((b) => String(b.balance.seq));
  const table = scope === "key" ? `"ApiKey"` : `"Workspace"`;
  return db.$executeRawUnsafe(
    `UPDATE ${table} AS t SET "creditsRemaining" = v.remaining, "creditsPeriod" = v.period, "creditsSeq" = v.seq
     FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::bigint[]) AS v(id, remaining, period, version, seq)
     WHERE t.id = v.id AND t."creditsRemaining" IS NOT NULL AND t."creditsVersion" = v.version AND t."creditsSeq" < v.seq`,
    ids, remaining, periods, versions, seqs,
  );
}
