// Credit reconciliation: the live balances Redis keeps (the limit script spends them) written
// back to PostgreSQL, the truth Redis starts from again when it holds none. Runs after each usage
// flush (the gateway's flusher thread), and on demand (tests, the CLI). A Redis that restarts
// empty loses the spending since the last pass at most; without a restart nothing is ever lost,
// and a pass only moves a stored balance forward (see applyBalances).
import { applyBalances, poolsWithCredits, type Db } from "@keyway/db";
import type { StoredBalance } from "@keyway/core";
import { readBalances, type BalanceRef, type RedisLike } from "@keyway/redis";

export function creditService(deps: { db: Db; redis: RedisLike }) {
  /** One pass over every balance; returns how many stored balances moved. */
  async function reconcileOnce(): Promise<number> {
    let moved = 0;
    for (const scope of ["key", "workspace"] as const) {
      let after = "";
      for (;;) {
        const pools = await poolsWithCredits(deps.db, scope, after);
        if (pools.length === 0) break;
        after = pools.at(-1)!.id;
        const live = await readBalances(deps.redis, pools);
        const changed = pools.flatMap((p, i) => {
          const balance = live[i];
          // Redis's balance of this version, with changes the stored one lacks
          return balance && balance.version === p.version && balance.seq > p.seq ? [{ id: p.id, balance }] : [];
        });
        moved += await applyBalances(deps.db, scope, changed);
      }
    }
    return moved;
  }
  return {
    reconcileOnce,
    /** The balances Redis holds now (null: none there; the stored one applies). */
    live: (refs: BalanceRef[]): Promise<(StoredBalance | null)[]> => readBalances(deps.redis, refs),
    /**
     * A key's or a workspace's balance now: Redis's when it holds one of the stored version,
     * else the stored one; null when it has no balance. (A refill due but not yet taken is not
     * counted: the next request takes it.)
     */
    async current(ref: BalanceRef & { stored: number | null; version: number }): Promise<number | null> {
      if (ref.stored === null) return null;
      const [live] = await readBalances(deps.redis, [ref]).catch(() => [null]);
      return live && live.version === ref.version ? live.remaining : ref.stored;
    },
  };
}
