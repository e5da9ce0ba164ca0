// verify(): the hot path. Parse and checksum (no I/O) -> key record from the in-process cache
// (miss: the store) -> constant-time hash compare -> status, expiry, owner -> the limiter's one
// Redis round trip. Nothing here writes to PostgreSQL.
import { TtlLru } from "./cache.ts";
import { hashKey, parseKey, sameHash } from "./keys.ts";
import type { LimitDecision, Limiter } from "./limits.ts";
import type { Limits } from "./tiers.ts";

/** What verification needs to know about a key: limits already resolved (tier + overrides). */
export interface KeyRecord {
  id: string;
  userId: string;
  prefix: string;
  hash: string;
  /** The owner's current tier. */
  tier: string;
  limits: Limits;
  status: "active" | "revoked";
  expiresAt: number | null;
  userDisabled: boolean;
}

export interface KeyStore {
  findById(id: string): Promise<KeyRecord | null>;
  /** Replaces a key's stored hash, if it is still `from` (pepper rotation). */
  rehash?(id: string, from: string, to: string): Promise<void>;
}

export type InvalidCode = "MISSING_KEY" | "MALFORMED" | "INVALID_KEY" | "REVOKED" | "EXPIRED" | "DISABLED_USER";
export type VerifyCode = InvalidCode | "RATE_LIMITED";

export interface VerifiedKey {
  keyId: string;
  ownerId: string;
  prefix: string;
  tier: string;
  limits: Limits;
  ratelimit: LimitDecision;
}

export type VerifyResult =
  | ({ valid: true } & VerifiedKey)
  | ({ valid: false; code: "RATE_LIMITED" } & VerifiedKey)
  | { valid: false; code: InvalidCode; prefix?: string };

export interface VerifierOptions {
  store: KeyStore;
  limiter: Limiter;
  pepper?: string;
  /** During a pepper rotation: the previous pepper, or null when keys were hashed without one. */
  previousPepper?: string | null;
  clock?: () => number;
  cacheSize?: number;
  /** How long a record is trusted without an invalidation message (a safety net). */
  cacheTtlMs?: number;
  /** How long "no such key id" is remembered (stops random ids from hammering the database). */
  negativeTtlMs?: number;
  /**
   * While the key store is unreachable, a record that expired from the cache at most this long ago
   * is still used (stale-if-error). Changes to a key always reach the cache through invalidation,
   * so a stale record is one nobody changed; the bound caps the case of a missed message.
   */
  staleIfErrorMs?: number;
}

export function createVerifier(options: VerifierOptions) {
  const clock = options.clock ?? Date.now;
  const cache = new TtlLru<KeyRecord | null>(options.cacheSize ?? 100_000, clock);
  const ttl = options.cacheTtlMs ?? 60_000;
  const negativeTtl = options.negativeTtlMs ?? 5_000;
  const staleIfError = options.staleIfErrorMs ?? 3_600_000;
  // Concurrent misses for the same id share one store lookup.
  const inflight = new Map<string, Promise<KeyRecord | null>>();

  async function record(id: string): Promise<KeyRecord | null> {
    const hit = cache.get(id);
    if (hit) return hit.value;
    let pending = inflight.get(id);
    if (!pending) {
      pending = options.store.findById(id).then(
        (rec) => {
          cache.set(id, rec, rec ? ttl : negativeTtl);
          inflight.delete(id);
          return rec;
        },
        (error: unknown) => {
          inflight.delete(id);
          const stale = cache.stale(id, staleIfError);
          if (stale) return stale.value;
          throw error;
        },
      );
      inflight.set(id, pending);
    }
    return pending;
  }

  async function verify(raw: unknown, cost = 1): Promise<VerifyResult> {
    const parsed = parseKey(raw);
    if (!parsed.ok) return { valid: false, code: parsed.code };
    const rec = await record(parsed.id);
    // Unknown id and wrong secret are the same answer, after the same hashing work.
    const hash = hashKey(raw as string, options.pepper);
    if (!rec) return { valid: false, code: "INVALID_KEY" };
    if (!sameHash(hash, rec.hash)) {
      if (options.previousPepper === undefined) return { valid: false, code: "INVALID_KEY" };
      const old = hashKey(raw as string, options.previousPepper ?? undefined);
      if (!sameHash(old, rec.hash)) return { valid: false, code: "INVALID_KEY" };
      // Hashed before the rotation: store the new hash (once, in the background).
      rec.hash = hash;
      options.store.rehash?.(rec.id, old, hash).catch(() => {});
    }
    if (rec.status === "revoked") return { valid: false, code: "REVOKED", prefix: rec.prefix };
    if (rec.expiresAt !== null && clock() >= rec.expiresAt) return { valid: false, code: "EXPIRED", prefix: rec.prefix };
    if (rec.userDisabled) return { valid: false, code: "DISABLED_USER", prefix: rec.prefix };
    const ratelimit = await options.limiter.check(rec.id, rec.limits, cost);
    const key: VerifiedKey = { keyId: rec.id, ownerId: rec.userId, prefix: rec.prefix, tier: rec.tier, limits: rec.limits, ratelimit };
    return ratelimit.allowed ? { valid: true, ...key } : { valid: false, code: "RATE_LIMITED", ...key };
  }

  return {
    verify,
    /** Drop cached records: one key, every key of a user, or everything. */
    invalidate(target: { keyId: string } | { userId: string } | "all") {
      if (target === "all") {
        cache.clear();
        options.limiter.forget?.("all");
      } else if ("keyId" in target) {
        cache.delete(target.keyId);
        options.limiter.forget?.([target.keyId]);
      } else {
        const ids: string[] = [];
        cache.deleteWhere((rec) => {
          const match = rec?.userId === target.userId;
          if (match) ids.push(rec.id);
          return match;
        });
        options.limiter.forget?.(ids);
      }
    },
    cacheStats: () => ({ hits: cache.hits, misses: cache.misses, size: cache.size }),
  };
}
export type Verifier = ReturnType<typeof createVerifier>;
