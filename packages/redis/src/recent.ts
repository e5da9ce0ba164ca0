// A key's recent verifications: a capped Redis list per key, oldest first, that the limit script
// writes in the same call that decides the request (lua/limit.ts). Requests decided without the
// script (a revoked or expired key, a refusal answered from the negative cache, the local fallback
// while Redis is away) are written here in batches, in the same format.
//
// An entry: "<ms>|<refusing scope, 0 allowed>|<refusing window, 0 allowed>|<scope kinds>|<ip>[|<code>]"
// where the scope kinds are one letter per scope of the request, in the script's order (k: the
// key's own limits, w: the workspace's plan), and the code is there when no limit decided.
import { isIP } from "node:net";
import { WINDOWS, type LimitScope, type Window } from "@keyway/core";
import { Cluster } from "ioredis";
import { keysOf, type RedisLike } from "./scripts.ts";

/** How many decisions a key keeps unless configured (RECENT_VERIFICATIONS). */
export const RECENT_DEFAULT = 100;

const KIND: Record<string, LimitScope> = { k: "key", w: "workspace" };
export const kindsOf = (scopes: { scope: LimitScope }[]) => scopes.map((s) => (s.scope === "key" ? "k" : "w")).join("");

/**
 * The note the script appends to an entry: the scopes' kinds and the client's address, kept only
 * if it is an IP address (an X-Forwarded-For entry can be any text, a "|" in it would forge fields).
 */
export const noteOf = (kinds: string, ip: string | null | undefined) => `${kinds}|${ip && isIP(ip) ? ip : ""}`;

export interface RecentVerification {
  at: Date;
  /** VALID, RATE_LIMITED, or the key's own refusal (REVOKED, EXPIRED, DISABLED_USER). */
  code: string;
  /** For RATE_LIMITED: the limit that refused it. */
  refusedBy: { scope: LimitScope; window: Window } | null;
  ip: string | null;
}

export function parseEntry(entry: string): RecentVerification | null {
  const [at, scope, window, kinds = "", ip = "", code] = entry.split("|");
  const s = Number(scope);
  const w = Number(window);
  if (!Number.isFinite(Number(at)) || !Number.isInteger(s) || !Number.isInteger(w)) return null;
  const kind = s > 0 ? KIND[kinds[s - 1] ?? ""] : undefined;
  return {
    at: new Date(Number(at)),
    code: code || (s === 0 ? "VALID" : "RATE_LIMITED"),
    refusedBy: kind && w > 0 ? { scope: kind, window: WINDOWS[w - 1]! } : null,
    ip: ip || null,
  };
}

/** The last `keep` decisions for a key, newest first. */
export async function readRecent(redis: RedisLike, key: { keyId: string; workspaceId: string }, keep = RECENT_DEFAULT): Promise<RecentVerification[]> {
  // stored oldest first (the script appends): the last `keep`, turned around
  const entries = await redis.lrange(keysOf(key.keyId, key.workspaceId).recent, -keep, -1);
  return entries.reverse().map(parseEntry).filter((e): e is RecentVerification => e !== null);
}

/** Entries written outside the script, sent in one pipeline per second; at most `maxPending` wait. */
export class RecentLog {
  private pending = new Map<string, string[]>();
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisLike,
    private readonly o: { keep: number; ttlMs: number; flushIntervalMs?: number; maxPending?: number },
  ) {}

  push(list: string, entry: string): void {
    if (this.o.keep <= 0 || this.size >= (this.o.maxPending ?? 10_000)) return;
    const entries = this.pending.get(list);
    if (entries) entries.push(entry);
    else this.pending.set(list, [entry]);
    this.size++;
    this.timer ??= setTimeout(() => void this.flush(), this.o.flushIntervalMs ?? 1_000);
    this.timer.unref?.();
  }

  /** Best effort: a failed flush drops its entries (they explain, they do not count). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.size = 0;
    if (batch.size === 0) return;
    // (a Cluster pipeline must keep to one slot: one per list there)
    const lists = [...batch];
    const groups = this.redis instanceof Cluster ? lists.map((l) => [l]) : [lists];
    await Promise.all(
      groups.map((group) => {
        const pipeline = this.redis.pipeline();
        for (const [list, entries] of group) pipeline.rpush(list, ...entries).ltrim(list, -this.o.keep, -1).pexpire(list, this.o.ttlMs);
        return pipeline.exec().catch(() => {});
      }),
    );
  }
}
