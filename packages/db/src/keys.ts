// API keys in PostgreSQL: the verification store, and the lifecycle (create, list, rename, revoke,
// roll, limit overrides, tier change). Every change writes its audit row in the same transaction
// and then announces itself so every process drops its cached record.
import { generateKey, hashKey, effectiveLimits, ownLimits, tighter, type InvalidationTarget, type KeyRecord, type KeyStore, type Window } from "@keyway/core";
import type { Db } from "./client.ts";
import { writeAudit, type Actor } from "./audit.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { DomainError } from "./errors.ts";
import { assertTier, lockWorkspace, moveToTier, personalWorkspaceOf } from "./workspaces.ts";
import { assertAscending, overrideData, overridesOf, type LimitOverrides } from "./overrides.ts";


/** Fields of a key that may leave the server. No hash, ever. */
export const publicKeySelect = {
  id: true,
  name: true,
  prefix: true,
  tierAtCreation: true,
  status: true,
  limitMinute: true,
  limitHour: true,
  limitDay: true,
  limitMonth: true,
  metadata: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  rolledToId: true,
  userId: true,
  workspaceId: true,
  user: { select: { name: true, email: true } },
} satisfies Prisma.ApiKeySelect;

export type PublicKey = Prisma.ApiKeyGetPayload<{ select: typeof publicKeySelect }>;

export interface KeyServiceOptions {
  pepper?: string;
  maxActiveKeys: number;
  /** Tells every process to drop cached records (Redis pub/sub); called after commit. */
  publish: (target: InvalidationTarget) => Promise<void>;
  clock?: () => number;
}


/** A key's limits as the verifier needs them: its own (if any), its workspace's, and the tighter of both. */
function limitsOf(row: {
  id: string; workspaceId: string;
  limitMinute: number | null; limitHour: number | null; limitDay: number | null; limitMonth: number | null;
  perMinute: number; perHour: number; perDay: number; perMonth: number;
  wsMinute: number | null; wsHour: number | null; wsDay: number | null; wsMonth: number | null;
}) {
  const workspace = effectiveLimits(
    { minute: row.perMinute, hour: row.perHour, day: row.perDay, month: row.perMonth },
    { minute: row.wsMinute, hour: row.wsHour, day: row.wsDay, month: row.wsMonth },
  );
  const own = ownLimits({ minute: row.limitMinute, hour: row.limitHour, day: row.limitDay, month: row.limitMonth });
  return { limits: tighter(workspace, own), limitTarget: { id: row.id, limits: own, workspace: { id: row.workspaceId, limits: workspace } } };
}

export function keyStore(db: Db): KeyStore {
  /**
   * The hot path's only query (on cache misses, batched by the verifier): one parameterised SELECT
   * over the keys, their owners and the owners' tiers. Raw SQL, because the query builder's own
   * work per call was most of the cost of a miss (bench:http, first use of 10,000 keys).
   */
  async function findByIds(ids: string[]): Promise<KeyRecord[]> {
    const rows = await db.$queryRaw<
      {
        id: string; userId: string | null; prefix: string; hash: string; status: "active" | "revoked"; expiresAt: Date | null;
        limitMinute: number | null; limitHour: number | null; limitDay: number | null; limitMonth: number | null;
        disabled: boolean; workspaceId: string; workspaceName: string; tier: string; metadata: Record<string, unknown> | null;
        perMinute: number; perHour: number; perDay: number; perMonth: number;
        wsMinute: number | null; wsHour: number | null; wsDay: number | null; wsMonth: number | null;
      }[]
    >`
      SELECT k.id, k."userId", k.prefix, k.hash, k.status::text AS status, k."expiresAt",
             k."limitMinute", k."limitHour", k."limitDay", k."limitMonth", COALESCE(u.disabled, false) AS disabled, k.metadata,
             w.id AS "workspaceId", w.name AS "workspaceName", t.name AS tier,
             t."perMinute", t."perHour", t."perDay", t."perMonth",
             w."limitMinute" AS "wsMinute", w."limitHour" AS "wsHour", w."limitDay" AS "wsDay", w."limitMonth" AS "wsMonth"
      FROM "ApiKey" k LEFT JOIN "User" u ON u.id = k."userId" JOIN "Workspace" w ON w.id = k."workspaceId"
        JOIN "Tier" t ON t.name = w."tierName"
      WHERE k.id = ANY(${ids}::text[])`;
    return rows.map((row) => ({
      id: row.id,
      userId: row.userId,
      prefix: row.prefix,
      hash: row.hash,
      tier: row.tier,
      workspace: { id: row.workspaceId, name: row.workspaceName, plan: row.tier },
      ...limitsOf(row),
      status: row.status,
      expiresAt: row.expiresAt?.getTime() ?? null,
      userDisabled: row.disabled,
      metadata: row.metadata ?? {},
    }));
  }
  return {
    findByIds,
    async findById(id: string): Promise<KeyRecord | null> {
      return (await findByIds([id]))[0] ?? null;
    },
    async rehash(id, from, to) {
      await db.apiKey.updateMany({ where: { id, hash: from }, data: { hash: to } });
    },
  };
}

export function keyService(db: Db, options: KeyServiceOptions) {
  const store = keyStore(db);
  const now = () => new Date((options.clock ?? Date.now)());
  const publish = (target: InvalidationTarget) => options.publish(target).catch(() => {});

  /** A key of the workspace (any key for a platform admin: null). */
  async function ownedKey(tx: Prisma.TransactionClient, keyId: string, workspaceId: string | null) {
    const key = await tx.apiKey.findFirst({
      where: workspaceId === null ? { id: keyId } : { id: keyId, workspaceId },
      select: { ...publicKeySelect },
    });
    // Another workspace's key and a missing key are the same answer.
    if (!key) throw new DomainError("NOT_FOUND", "No such key.");
    return key;
  }

  /** Keys that verify now: active and unexpired, rolled ones still in their grace period included. */
  function activeKeys(tx: Prisma.TransactionClient, workspaceId: string) {
    return tx.apiKey.count({ where: { workspaceId, status: "active", OR: [{ expiresAt: null }, { expiresAt: { gt: now() } }] } });
  }

  async function insertKey(
    tx: Prisma.TransactionClient,
    input: { workspaceId: string; userId: string | null; tier: string; name: string; expiresAt: Date | null; metadata: Prisma.InputJsonValue; overrides?: Partial<Record<string, number | null>> },
  ) {
    const generated = generateKey(input.tier);
    const created = await tx.apiKey.create({
      data: {
        id: generated.id,
        workspaceId: input.workspaceId,
        userId: input.userId,
        name: input.name,
        prefix: generated.prefix,
        hash: hashKey(generated.key, options.pepper),
        tierAtCreation: input.tier,
        expiresAt: input.expiresAt,
        metadata: input.metadata,
        ...input.overrides,
      },
      select: publicKeySelect,
    });
    return { key: generated.key, record: created };
  }

  return {
    /** Creates a key; the plaintext is in the result and nowhere else. */
    /**
     * Creates a key in a workspace (the creator's personal one unless named; an operator's key
     * for a customer's workspace has no creator). The creator's right to do so is the caller's
     * check. The plaintext is in the result and nowhere else.
     */
    async create(actor: Actor, input: { userId: string | null; workspaceId?: string; name: string; expiresInDays?: number | null; metadata?: Record<string, unknown> }) {
      return db.$transaction(async (tx) => {
        if (input.userId !== null) {
          const creator = await tx.user.findUnique({ where: { id: input.userId }, select: { emailVerified: true } });
          if (!creator) throw new DomainError("NOT_FOUND", "No such user.");
          // A key is what an account is for: an address nobody has proven gets none.
          if (creator.emailVerified === null) throw new DomainError("EMAIL_NOT_VERIFIED", "Verify your email address first: open the link we mailed you.");
        }
        const workspaceId = input.workspaceId ?? (input.userId === null ? null : (await personalWorkspaceOf(tx, input.userId)).id);
        if (workspaceId === null) throw new DomainError("INVALID_INPUT", "A key without a creator needs a workspace.");
        const workspace = await lockWorkspace(tx, workspaceId);
        const active = await activeKeys(tx, workspace.id);
        if (active >= options.maxActiveKeys) {
          throw new DomainError("KEY_LIMIT_REACHED", `This workspace already has ${active} active keys (rolled keys count until their grace period ends), the most allowed. Revoke one first.`);
        }
        const expiresAt = input.expiresInDays ? new Date(now().getTime() + input.expiresInDays * 86_400_000) : null;
        const result = await insertKey(tx, {
          workspaceId: workspace.id,
          userId: input.userId,
          tier: workspace.tierName,
          name: input.name,
          expiresAt,
          metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
        });
        await writeAudit(tx, actor, {
          action: "key.create",
          targetUserId: input.userId,
          targetKeyId: result.record.id,
          targetKeyPrefix: result.record.prefix,
          targetWorkspaceId: workspace.id,
          after: { name: input.name, expiresAt: expiresAt?.toISOString() ?? null },
        });
        return result;
      });
    },

    /** A workspace's keys, or the keys a user created (anywhere), newest first. */
    async list(scope: { workspaceId: string } | { userId: string }): Promise<PublicKey[]> {
      return db.apiKey.findMany({ where: scope, select: publicKeySelect, orderBy: { createdAt: "desc" } });
    },

    async get(keyId: string, workspaceId: string | null): Promise<PublicKey> {
      return ownedKey(db, keyId, workspaceId);
    },

    /**
     * A key's life from the audit log, oldest first: created, renamed, rolled (to or from another
     * key), limits changed, revoked. The person who acted, by name; never an address.
     */
    async events(keyId: string) {
      // a key made by a roll: that roll is written against the key it replaced
      const from = await db.apiKey.findFirst({ where: { rolledToId: keyId }, select: { id: true } });
      const rows = await db.auditLog.findMany({
        where: { OR: [{ targetKeyId: keyId }, ...(from ? [{ targetKeyId: from.id, action: "key.roll" }] : [])] },
        orderBy: { id: "asc" },
        take: 100,
        select: { id: true, at: true, action: true, actorId: true, targetKeyId: true, before: true, after: true },
      });
      const actors = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => x !== null))];
      const who = new Map((await db.user.findMany({ where: { id: { in: actors } }, select: { id: true, name: true, email: true } })).map((u) => [u.id, u.name ?? u.email]));
      return rows.map((r) => ({
        id: r.id.toString(),
        at: r.at,
        action: r.action,
        actor: r.actorId ? (who.get(r.actorId) ?? "A deleted account") : "Keyway",
        before: r.before,
        after: r.after,
      }));
    },

    async rename(actor: Actor, keyId: string, workspaceId: string | null, name: string) {
      return db.$transaction(async (tx) => {
        const key = await ownedKey(tx, keyId, workspaceId);
        const updated = await tx.apiKey.update({ where: { id: keyId }, data: { name }, select: publicKeySelect });
        await writeAudit(tx, actor, { action: "key.rename", targetUserId: key.userId, targetKeyId: key.id, targetKeyPrefix: key.prefix, targetWorkspaceId: key.workspaceId, before: { name: key.name }, after: { name } });
        return updated;
      });
    },

    /** Replaces a key's metadata, audited; every process drops the cached record (verifications return it). */
    async setMetadata(actor: Actor, keyId: string, workspaceId: string | null, metadata: Record<string, unknown>) {
      const updated = await db.$transaction(async (tx) => {
        const key = await ownedKey(tx, keyId, workspaceId);
        const result = await tx.apiKey.update({ where: { id: keyId }, data: { metadata: metadata as Prisma.InputJsonValue }, select: publicKeySelect });
        await writeAudit(tx, actor, { action: "key.metadata", targetUserId: key.userId, targetKeyId: key.id, targetKeyPrefix: key.prefix, targetWorkspaceId: key.workspaceId, before: { metadata: key.metadata }, after: { metadata: metadata as Prisma.InputJsonValue } });
        return result;
      });
      await publish({ keyId });
      return updated;
    },

    async revoke(actor: Actor, keyId: string, workspaceId: string | null) {
      const updated = await db.$transaction(async (tx) => {
        const key = await ownedKey(tx, keyId, workspaceId);
        if (key.status === "revoked") throw new DomainError("ALREADY_REVOKED", "This key is already revoked.");
        const result = await tx.apiKey.update({ where: { id: keyId }, data: { status: "revoked", revokedAt: now() }, select: publicKeySelect });
        await writeAudit(tx, actor, { action: "key.revoke", targetUserId: key.userId, targetKeyId: key.id, targetKeyPrefix: key.prefix, targetWorkspaceId: key.workspaceId, before: { status: key.status }, after: { status: "revoked" } });
        return result;
      });
      await publish({ keyId });
      return updated;
    },

    /** A new key now; the old one keeps working for `graceSeconds` (0 to 24 h), then stops. */
    async roll(actor: Actor, keyId: string, workspaceId: string | null, graceSeconds: number) {
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 86_400) {
        throw new DomainError("INVALID_INPUT", "The grace period must be 0 to 86400 seconds.");
      }
      const result = await db.$transaction(async (tx) => {
        const old = await ownedKey(tx, keyId, workspaceId);
        if (old.status === "revoked") throw new DomainError("ALREADY_REVOKED", "A revoked key cannot be rolled.");
        if (old.rolledToId !== null) throw new DomainError("ALREADY_ROLLED", "This key was rolled already and is in its grace period: roll its replacement, or revoke it.");
        const workspace = await lockWorkspace(tx, old.workspaceId);
        // With a grace period the old key stays active beside its replacement: one more active key.
        if (graceSeconds > 0 && (await activeKeys(tx, workspace.id)) >= options.maxActiveKeys) {
          throw new DomainError("KEY_LIMIT_REACHED", "This workspace has the most active keys allowed: roll without a grace period, or revoke a key first.");
        }
        const rolled = await insertKey(tx, {
          workspaceId: workspace.id,
          // the replacement is the roller's: the old key's creator may have left
          userId: actor.id ?? old.userId,
          tier: workspace.tierName,
          name: old.name,
          expiresAt: old.expiresAt,
          metadata: (old.metadata ?? {}) as Prisma.InputJsonValue,
          overrides: { limitMinute: old.limitMinute, limitHour: old.limitHour, limitDay: old.limitDay, limitMonth: old.limitMonth },
        });
        const stopAt = new Date(now().getTime() + graceSeconds * 1000);
        const ends = old.expiresAt && old.expiresAt < stopAt ? old.expiresAt : stopAt;
        await tx.apiKey.update({
          where: { id: old.id },
          data: graceSeconds === 0 ? { status: "revoked", revokedAt: now(), rolledToId: rolled.record.id } : { expiresAt: ends, rolledToId: rolled.record.id },
        });
        await writeAudit(tx, actor, {
          action: "key.roll",
          targetUserId: old.userId,
          targetKeyId: old.id,
          targetKeyPrefix: old.prefix,
          targetWorkspaceId: old.workspaceId,
          before: { prefix: old.prefix },
          after: { prefix: rolled.record.prefix, newKeyId: rolled.record.id, oldKeyStopsAt: graceSeconds === 0 ? now().toISOString() : ends.toISOString() },
        });
        return rolled;
      });
      await publish({ keyId });
      return result;
    },

    /**
     * The key's own limits; null clears one (only its workspace's plan limits that window again).
     * Within a workspace (a workspace admin's change) each must be at or below the workspace's
     * limits; a platform admin (workspaceId null) may set any value.
     */
    async setLimits(actor: Actor, keyId: string, overrides: LimitOverrides, workspaceId: string | null = null) {
      const data = overrideData(overrides);
      const updated = await db.$transaction(async (tx) => {
        const key = await ownedKey(tx, keyId, workspaceId);
        if (workspaceId !== null) {
          const plan = (await store.findById(keyId))?.limitTarget.workspace?.limits;
          for (const [w, v] of Object.entries(overrides) as [Window, number | null | undefined][]) {
            if (plan && typeof v === "number" && v > plan[w]) {
              throw new DomainError("LIMIT_ABOVE_PLAN", `The ${w} limit can be at most the workspace's ${plan[w].toLocaleString("en")} (its plan); ask a platform admin for more.`, `limits.${w}`);
            }
          }
        }
        const result = await tx.apiKey.update({ where: { id: keyId }, data, select: publicKeySelect });
        assertAscending(overridesOf(result)); // checked on the merged row: the transaction rolls back
        await writeAudit(tx, actor, { action: "key.limits", targetUserId: key.userId, targetKeyId: key.id, targetKeyPrefix: key.prefix, targetWorkspaceId: key.workspaceId, before: overridesOf(key), after: overridesOf(result) });
        return result;
      });
      await publish({ keyId });
      return updated;
    },

    /** Moves a user's personal workspace to a tier; its keys take its limits on the next request. */
    async setUserTier(actor: Actor, userId: string, tier: string) {
      const user = await db.$transaction(async (tx) => {
        await assertTier(tx, tier);
        const target = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
        if (!target) throw new DomainError("NOT_FOUND", "No such user.");
        const workspace = await personalWorkspaceOf(tx, userId);
        const was = await moveToTier(tx, workspace.id, tier);
        await writeAudit(tx, actor, { action: "user.tier", targetUserId: userId, targetWorkspaceId: workspace.id, before: { tier: was }, after: { tier, workspaceId: workspace.id } });
        return { ...target, tierName: tier, workspaceId: workspace.id };
      });
      await publish({ workspaceId: user.workspaceId });
      return user;
    },
  };
}
export type KeyService = ReturnType<typeof keyService>;
