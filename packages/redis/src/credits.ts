// Live credit balances as the limit script keeps them (lua/limit.ts), read for the reconciler and
// the portal. One GET per balance; on a cluster each goes to its own slot's node.
import type { StoredBalance } from "@keyway/core";
import { parseBalance } from "./limit-reply.ts";
import { keysOf, type RedisLike } from "./scripts.ts";

export interface BalanceRef {
  scope: "key" | "workspace";
  /** The key's or the workspace's id. */
  id: string;
  /** The workspace (the hash tag the balance lives under). */
  workspaceId: string;
}

const balanceKey = (ref: BalanceRef) => (ref.scope === "key" ? keysOf(ref.id, ref.workspaceId).credits : keysOf(ref.workspaceId, ref.workspaceId).workspaceCredits!);

/** Each balance as Redis holds it now (null: Redis has none, and the stored one applies). */
export async function readBalances(redis: RedisLike, refs: BalanceRef[]): Promise<(StoredBalance | null)[]> {
  const texts = await Promise.all(refs.map((r) => redis.get(balanceKey(r))));
  return texts.map(parseBalance);
}
