// verify(): the hot path. Parse and checksum (no I/O) -> key record from the in-process cache
// (miss: the store) -> constant-time hash compare -> status, expiry, owner -> the limiter's one
// Redis round trip. Nothing here writes to PostgreSQL.
import type { KeyEnvironment, VerifyCode, WorkspaceRef } from "@keyway/protocol";
import { TtlLru } from "./cache.ts";
import { hashKey, parseKey, sameHash } from "./keys.ts";
import type { LimitDecision, Limiter, LimitTarget, RequestTrace } from "./limits.ts";
import type { Limits } from "./tiers.ts";
import { formatQuery, missingFor, type PermissionQuery } from "./permissions.ts";

/** What verification needs to know about a key: limits already resolved (tier + overrides). */
export interface KeyRecord {
  id: string;
  /** Who created the key; null once that account is deleted (a team's keys outlive it). */
  userId: string | null;
  prefix: string;
  hash: string;
  /** The workspace's current plan. */
  tier: string;
  workspace: WorkspaceRef;
  /** What the key may do at most in each window: the tighter of its own limits and its workspace's. */
  limits: Limits;
  /** What the limiter counts: the key's own limits (if any) and its workspace's plan, shared by its keys. */
  limitTarget: LimitTarget;
  status: "active" | "revoked";
  expiresAt: number | null;
  userDisabled: boolean;
  /** The key's metadata (a JSON object set by its workspace or the platform), returned by verification. */
  metadata: Record<string, unknown>;
  environment: KeyEnvironment;
  /** The permissions the key holds (its own and its roles'), and the same sorted, as verification returns them. */
  permissions: ReadonlySet<string>;
  permissionList: readonly string[];
  /** Whether a client address may use the key; null when it may be used from anywhere. */
  allowedFrom: ((ip: string | null | undefined) => boolean) | null;
}

/** What a request asks of its key besides being genuine and within its limits. */
export interface VerifyRequest extends RequestTrace {
  /** Units of every limit and credit balance the request uses (0: look without using any). Default 1. */
  cost?: number;
  /** A permission query the key must satisfy (parsed once: parsePermissionQueryCached). */
  permissions?: PermissionQuery | null;
}

export interface KeyStore {
  findById(id: string): Promise<KeyRecord | null>;
  /** The records of those ids that exist, in any order: one query for many cache misses. */
  findByIds(ids: string[]): Promise<KeyRecord[]>;
  /** Replaces a key's stored hash, if it is still `from` (pepper rotation). */
  rehash?(id: string, from: string, to: string): Promise<void>;
}

/** The refusal codes of the wire contract; the ones that refuse the key itself. */
export type { VerifyCode };
export type InvalidCode = Exclude<VerifyCode, "RATE_LIMITED" | "USAGE_EXCEEDED" | "INSUFFICIENT_PERMISSIONS">;

/** What a change affects: one key, every key of a user or of a workspace, or everything (a tier's limits). */
export type InvalidationTarget = { keyId: string } | { userId: string } | { workspaceId: string } | "all";

/** A genuine, usable key and its rate-limit decision (allowed or not). */
export interface KeyDecision {
  keyId: string;
  ownerId: string | null;
  prefix: string;
  tier: string;
  workspace: WorkspaceRef;
  limits: Limits;
  metadata: Record<string, unknown>;
  environment: KeyEnvironment;
  permissions: readonly string[];
  ratelimit: LimitDecision;
}

export type VerifyResult =
  | ({ valid: true } & KeyDecision)
  | ({ valid: false; code: "RATE_LIMITED" | "USAGE_EXCEEDED" } & KeyDecision)
  /** `missing`: what the key lacks, as a query ("orders.write OR admin"). */
  | { valid: false; code: "INSUFFICIENT_PERMISSIONS"; prefix: string; missing: string }
  | { valid: false; code: InvalidCode; prefix?: string };

export interface VerifierOptions {
  store: KeyStore;
  limiter: Limiter;
  pepper?: string;
  /** During a pepper rotation: the previous pepper, or null when keys were hashed without one. */
  previousPepper?: string | null;
  clock?: () => number;
  cacheSize?: number;
  /**
   * How long a record is trusted without an invalidation message (a safety net: every change to a
   * key or its owner reaches the cache through invalidation). For as long again after that, a
   * request is answered from the record while it is reloaded in the background
   * (stale-while-revalidate), and each record's lifetime varies by ±10 % so keys loaded together
   * do not all expire together.
   */
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

/** How long background reloads of expired records gather before they go to the store together. */
const REFRESH_BATCH_MS = 100;

export function createVerifier(options: VerifierOptions) {
  const clock = options.clock ?? Date.now;
  const cache = new TtlLru<KeyRecord | null>(options.cacheSize ?? 100_000, clock);
  const ttl = options.cacheTtlMs ?? 60_000;
  const negativeTtl = options.negativeTtlMs ?? 5_000;
  const staleIfError = options.staleIfErrorMs ?? 3_600_000;
  // Concurrent misses for the same id share one store lookup.
  const inflight = new Map<string, Promise<KeyRecord | null>>();
  // Bumped by every invalidation, which also forgets lookups in flight: one that started before
  // may have read the old row, so its answer goes to the requests already waiting and is not cached.
  let generation = 0;

  /** The key's record: at once from the cache (the usual case, no promise), else from missed(). */
  function record(id: string): KeyRecord | null | Promise<KeyRecord | null> {
    const hit = cache.get(id);
    return hit ? hit.value : missed(id);
  }

  /** Not in the cache, or expired: a recently expired record answers while it is reloaded. */
  function missed(id: string): Promise<KeyRecord | null> {
    const recent = cache.stale(id, ttl);
    if (recent?.value) {
      load(id, true).catch(() => {});
      return Promise.resolve(recent.value);
    }
    return load(id);
  }

  /** One store lookup per id at a time, shared by every request waiting for it. */
  function load(id: string, background = false): Promise<KeyRecord | null> {
    const waiting = inflight.get(id);
    if (waiting) return waiting;
    const started = generation;
    const done = () => {
      if (inflight.get(id) === pending) inflight.delete(id);
    };
    const pending: Promise<KeyRecord | null> = lookup(id, background).then(
      (rec) => {
        done();
        if (started === generation) cache.set(id, rec, rec ? ttl * (0.9 + Math.random() * 0.2) : negativeTtl);
        return rec;
      },
      (error: unknown) => {
        done();
        const stale = cache.stale(id, staleIfError);
        if (stale) return stale.value;
        throw error;
      },
    );
    inflight.set(id, pending);
    return pending;
  }

  // Lookups go to the store together (DataLoader's batching): a request's miss waits for the end
  // of the event-loop turn, one query for every key missed in it; a background reload, which no
  // request waits for, gathers for REFRESH_BATCH_MS, so keys loaded together (a warm-up, a
  // restart) and expiring together over a few seconds are reloaded by a few dozen queries, not by
  // one per turn.
  type Batch = Map<string, { resolve: (rec: KeyRecord | null) => void; reject: (error: unknown) => void }>;
  const batches: { now: Batch | null; later: Batch | null } = { now: null, later: null };
  function lookup(id: string, background: boolean): Promise<KeyRecord | null> {
    const which = background ? "later" : "now";
    return new Promise((resolve, reject) => {
      let batch = batches[which];
      if (!batch) {
        batch = batches[which] = new Map();
        if (background) setTimeout(() => runBatch("later"), REFRESH_BATCH_MS).unref();
        else setImmediate(() => runBatch("now"));
      }
      batch.set(id, { resolve, reject });
    });
  }
  function runBatch(which: "now" | "later"): void {
    const waiting = batches[which]!;
    batches[which] = null;
    const ids = [...waiting.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      options.store.findByIds(part).then(
        (records) => {
          const found = new Map(records.map((r) => [r.id, r]));
          for (const id of part) waiting.get(id)!.resolve(found.get(id) ?? null);
        },
        (error: unknown) => {
          for (const id of part) waiting.get(id)!.reject(error);
        },
      );
    }
  }

  /** The key's answer; with a request, the decision goes to the key's recent verifications too. */
  async function verify(raw: unknown, request?: VerifyRequest): Promise<VerifyResult> {
    const parsed = parseKey(raw);
    if (!parsed.ok) return { valid: false, code: parsed.code };
    const found = record(parsed.id);
    const rec = found instanceof Promise ? await found : found;
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
    const refusal: InvalidCode | null =
      rec.status === "revoked" ? "REVOKED"
      : rec.expiresAt !== null && clock() >= rec.expiresAt ? "EXPIRED"
      : rec.userDisabled ? "DISABLED_USER"
      : rec.allowedFrom !== null && !rec.allowedFrom(request?.ip) ? "IP_NOT_ALLOWED"
      : null;
    if (refusal) {
      if (request) options.limiter.refused?.(rec.limitTarget, refusal, request);
      return { valid: false, code: refusal, prefix: rec.prefix };
    }
    if (request?.permissions) {
      const missing = missingFor(request.permissions, rec.permissions);
      if (missing) {
        options.limiter.refused?.(rec.limitTarget, "INSUFFICIENT_PERMISSIONS", request);
        return { valid: false, code: "INSUFFICIENT_PERMISSIONS", prefix: rec.prefix, missing: formatQuery(missing) };
      }
    }
    const ratelimit = await options.limiter.check(rec.limitTarget, request?.cost ?? 1, request);
    const key: KeyDecision = {
      keyId: rec.id, ownerId: rec.userId, prefix: rec.prefix, tier: rec.tier, workspace: rec.workspace, limits: rec.limits,
      metadata: rec.metadata, environment: rec.environment, permissions: rec.permissionList, ratelimit,
    };
    if (ratelimit.allowed) return { valid: true, ...key };
    return { valid: false, code: ratelimit.outOfCredits ? "USAGE_EXCEEDED" : "RATE_LIMITED", ...key };
  }

  return {
    verify,
    /** The workspace of a key id, or null when there is no such key; from the same cache (a miss joins the turn's batched lookup). */
    async workspaceOf(id: string): Promise<string | null> {
      return (await record(id))?.workspace.id ?? null;
    },
    /** Drop cached records: one key, every key of a user or a workspace, or everything. */
    invalidate(target: InvalidationTarget) {
      generation++;
      inflight.clear();
      if (target === "all") {
        cache.clear();
        options.limiter.forget?.("all");
      } else if ("keyId" in target) {
        cache.delete(target.keyId);
        options.limiter.forget?.([target.keyId]);
      } else {
        const ids: string[] = "workspaceId" in target ? [target.workspaceId] : [];
        cache.deleteWhere((rec) => {
          if (!rec || ("workspaceId" in target ? rec.workspace.id !== target.workspaceId : rec.userId !== target.userId)) return false;
          ids.push(rec.id, rec.workspace.id);
          return true;
        });
        options.limiter.forget?.(ids);
      }
    },
    cacheStats: () => ({ hits: cache.hits, misses: cache.misses, size: cache.size }),
  };
}
export type Verifier = ReturnType<typeof createVerifier>;
