// API keys in PostgreSQL: the verification store, and the lifecycle (create, list, rename, revoke,
// roll, limit overrides, tier change). Every change writes its audit row in the same transaction
// and then announces itself so every process drops its cached record.
import {
  allowlistMatcher, generateKey, hashKey, effectiveLimits, ownLimits, tighter,
  type CreditPool, type CreditStore, type InvalidationTarget, type KeyRecord, type KeyStore, type StoredBalance, type Window,
} from "@keyway/core";
import type { Db } from "./client.ts";
import { writeAudit, type Actor } from "./audit.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { DomainError } from "./errors.ts";
import { assertTier, lockWorkspace, moveToTier, personalWorkspaceOf } from "./workspaces.ts";
import { assertAscending, overrideData, overridesOf, type LimitOverrides } from "./overrides.ts";
import { creditColumns, creditsView, type CreditsInput } from "./credits.ts";
import { assertInCatalogue } from "./permissions.ts";

/** What a key is granted: permissions on their own, and roles (each a set of them). From the catalogue only. */
export interface Grants {
  permissions: string[];
  roles: string[];
}

/** A key's policy besides its limits, chosen at creation (each part may be changed later). */
export interface KeyPolicy {
  environment?: "live" | "test";
  grants?: Grants;
  /** Canonical entries (parseAllowlist); empty: any address. */
  ipAllowlist?: string[];
  credits?: CreditsInput;
}

/** The grants of a key as the portal and the audit log show them. */
export const grantsOf = (key: { permissions: { permissionName: string }[]; roles: { roleName: string }[] }): Grants => ({
  permissions: key.permissions.map((p) => p.permissionName),
  roles: key.roles.map((r) => r.roleName),
});


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
  environment: true,
  ipAllowlist: true,
  creditsRemaining: true,
  creditsRefillAmount: true,
  creditsRefill: true,
  creditsVersion: true,
  permissions: { select: { permissionName: true }, orderBy: { permissionName: "asc" } },
  roles: { select: { roleName: true }, orderBy: { roleName: "asc" } },
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

type Refill = "daily" | "monthly" | null;
/** A credit pool from its columns: null when there is no balance. */
function poolOf(scope: CreditPool["scope"], id: string, hasCredits: boolean, version: number, amount: number | null, refill: Refill): CreditPool | null {
  if (!hasCredits) return null;
  return { scope, id, version, refill: refill && amount !== null ? { amount, interval: refill } : null };
}

export function keyStore(db: Db): KeyStore & CreditStore {
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
        environment: "live" | "test"; ipAllowlist: string[] | null; permissions: string[];
        keyCredits: boolean; keyCreditsVersion: number; keyRefillAmount: number | null; keyRefill: Refill;
        wsCredits: boolean; wsCreditsVersion: number; wsRefillAmount: number | null; wsRefill: Refill;
      }[]
    >`
      SELECT k.id, k."userId", k.prefix, k.hash, k.status::text AS status, k."expiresAt",
             k."limitMinute", k."limitHour", k."limitDay", k."limitMonth", COALESCE(u.disabled, false) AS disabled, k.metadata,
             w.id AS "workspaceId", w.name AS "workspaceName", t.name AS tier,
             t."perMinute", t."perHour", t."perDay", t."perMonth",
             w."limitMinute" AS "wsMinute", w."limitHour" AS "wsHour", w."limitDay" AS "wsDay", w."limitMonth" AS "wsMonth",
             k.environment::text AS environment, k."ipAllowlist",
             ARRAY(SELECT p."permissionName" FROM "KeyPermission" p WHERE p."keyId" = k.id
                   UNION SELECT rp."permissionName" FROM "KeyRoleGrant" g JOIN "KeyRolePermission" rp ON rp."roleName" = g."roleName" WHERE g."keyId" = k.id
                   ORDER BY 1) AS permissions,
             k."creditsRemaining" IS NOT NULL AS "keyCredits", k."creditsVersion" AS "keyCreditsVersion",
             k."creditsRefillAmount" AS "keyRefillAmount", k."creditsRefill"::text AS "keyRefill",
             w."creditsRemaining" IS NOT NULL AS "wsCredits", w."creditsVersion" AS "wsCreditsVersion",
             w."creditsRefillAmount" AS "wsRefillAmount", w."creditsRefill"::text AS "wsRefill"
      FROM "ApiKey" k LEFT JOIN "User" u ON u.id = k."userId" JOIN "Workspace" w ON w.id = k."workspaceId"
        JOIN "Tier" t ON t.name = w."tierName"
      WHERE k.id = ANY(${ids}::text[])`;
    return rows.map((row) => {
      const { limits, limitTarget } = limitsOf(row);
      const credits = [
        poolOf("key", row.id, row.keyCredits, row.keyCreditsVersion, row.keyRefillAmount, row.keyRefill),
        poolOf("workspace", row.workspaceId, row.wsCredits, row.wsCreditsVersion, row.wsRefillAmount, row.wsRefill),
      ].filter((p): p is CreditPool => p !== null);
      return {
        id: row.id,
        userId: row.userId,
        prefix: row.prefix,
        hash: row.hash,
        tier: row.tier,
        workspace: { id: row.workspaceId, name: row.workspaceName, plan: row.tier },
        limits,
        limitTarget: credits.length > 0 ? { ...limitTarget, credits } : limitTarget,
        status: row.status,
        expiresAt: row.expiresAt?.getTime() ?? null,
        userDisabled: row.disabled,
        metadata: row.metadata ?? {},
        environment: row.environment,
        permissions: new Set(row.permissions),
        permissionList: Object.freeze(row.permissions),
        allowedFrom: allowlistMatcher(row.ipAllowlist ?? []),
      };
    });
  }

  /** The stored balances of credit pools (what Redis starts from when it holds none). */
  async function storedBalances(pools: CreditPool[]): Promise<(StoredBalance | null)[]> {
    const select = { id: true, creditsRemaining: true, creditsPeriod: true, creditsVersion: true, creditsSeq: true } as const;
    const keyIds = pools.filter((p) => p.scope === "key").map((p) => p.id);
    const workspaceIds = pools.filter((p) => p.scope === "workspace").map((p) => p.id);
    const [keys, workspaces] = await Promise.all([
      keyIds.length ? db.apiKey.findMany({ where: { id: { in: keyIds } }, select }) : [],
      workspaceIds.length ? db.workspace.findMany({ where: { id: { in: workspaceIds } }, select }) : [],
    ]);
    const found = new Map([...keys.map((k) => [`key:${k.id}`, k] as const), ...workspaces.map((w) => [`workspace:${w.id}`, w] as const)]);
    return pools.map((p) => {
      const row = found.get(`${p.scope}:${p.id}`);
      if (!row || row.creditsRemaining === null) return null;
      return { remaining: row.creditsRemaining, period: row.creditsPeriod, version: row.creditsVersion, seq: Number(row.creditsSeq) };
    });
  }
  return {
    findByIds,
    storedBalances,
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

  /**
   * The latest a key of this tier may expire when made now (null: no maximum); a requested expiry
   * past it, or none, is refused at creation.
   */
  async function lifetimeLimit(tx: Prisma.TransactionClient, tier: string): Promise<{ days: number; until: Date } | null> {
    const row = await tx.tier.findUnique({ where: { name: tier }, select: { maxKeyLifetimeDays: true } });
    const days = row?.maxKeyLifetimeDays ?? null;
    return days === null ? null : { days, until: new Date(now().getTime() + days * 86_400_000) };
  }

  async function insertKey(
    tx: Prisma.TransactionClient,
    input: {
      workspaceId: string; userId: string | null; tier: string; name: string; expiresAt: Date | null; metadata: Prisma.InputJsonValue;
      overrides?: Partial<Record<string, number | null>>; policy?: KeyPolicy;
    },
  ) {
    const policy = input.policy ?? {};
    if (policy.grants) await assertInCatalogue(tx, policy.grants);
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
        environment: policy.environment ?? "live",
        ipAllowlist: policy.ipAllowlist ?? [],
        ...(policy.credits ? creditColumns(policy.credits, -1, now().getTime()) : {}),
        ...input.overrides,
        permissions: { create: (policy.grants?.permissions ?? []).map((permissionName) => ({ permissionName })) },
        roles: { create: (policy.grants?.roles ?? []).map((roleName) => ({ roleName })) },
      },
      select: publicKeySelect,
    });
    return { key: generated.key, record: created };
  }

  /** Changes one part of a key's policy in a transaction with its audit row, then drops every process's cached record. */
  async function changePolicy(
    actor: Actor,
    keyId: string,
    workspaceId: string | null,
    action: string,
    change: (tx: Prisma.TransactionClient, key: PublicKey) => Promise<{ before: Prisma.InputJsonValue; after: Prisma.InputJsonValue }>,
  ) {
    const updated = await db.$transaction(async (tx) => {
      const key = await ownedKey(tx, keyId, workspaceId);
      const { before, after } = await change(tx, key);
      await writeAudit(tx, actor, { action, targetUserId: key.userId, targetKeyId: key.id, targetKeyPrefix: key.prefix, targetWorkspaceId: key.workspaceId, before, after });
      return tx.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: publicKeySelect });
    });
    await publish({ keyId });
    return updated;
  }

  return {
    /** Creates a key; the plaintext is in the result and nowhere else. */
    /**
     * Creates a key in a workspace (the creator's personal one unless named; an operator's key
     * for a customer's workspace has no creator). The creator's right to do so is the caller's
     * check. The plaintext is in the result and nowhere else.
     */
    async create(actor: Actor, input: { userId: string | null; workspaceId?: string; name: string; expiresInDays?: number | null; metadata?: Record<string, unknown> } & KeyPolicy) {
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
        const lifetime = await lifetimeLimit(tx, workspace.tierName);
        if (lifetime && (expiresAt === null || expiresAt > lifetime.until)) {
          throw new DomainError("LIFETIME_ABOVE_PLAN", `Keys on the ${workspace.tierName} plan expire within ${lifetime.days} days: choose an expiry of at most ${lifetime.days} days.`, "expiresInDays");
        }
        const { environment, grants, ipAllowlist, credits } = input;
        const result = await insertKey(tx, {
          workspaceId: workspace.id,
          userId: input.userId,
          tier: workspace.tierName,
          name: input.name,
          expiresAt,
          metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
          policy: { environment, grants, ipAllowlist, credits },
        });
        await writeAudit(tx, actor, {
          action: "key.create",
          targetUserId: input.userId,
          targetKeyId: result.record.id,
          targetKeyPrefix: result.record.prefix,
          targetWorkspaceId: workspace.id,
          after: {
            name: input.name,
            expiresAt: expiresAt?.toISOString() ?? null,
            environment: environment ?? "live",
            ...(grants ? { permissions: grants.permissions, roles: grants.roles } : {}),
            ...(ipAllowlist?.length ? { ipAllowlist } : {}),
            ...(credits ? { credits } : {}),
          },
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

    /** Replaces the key's permissions and roles (each from the catalogue). */
    async setGrants(actor: Actor, keyId: string, workspaceId: string | null, grants: Grants) {
      return changePolicy(actor, keyId, workspaceId, "key.permissions", async (tx, key) => {
        await assertInCatalogue(tx, grants);
        await tx.keyPermission.deleteMany({ where: { keyId } });
        await tx.keyRoleGrant.deleteMany({ where: { keyId } });
        await tx.keyPermission.createMany({ data: grants.permissions.map((permissionName) => ({ keyId, permissionName })) });
        await tx.keyRoleGrant.createMany({ data: grants.roles.map((roleName) => ({ keyId, roleName })) });
        return { before: { ...grantsOf(key) }, after: { ...grants } };
      });
    },

    /** Replaces the key's IP allowlist (canonical entries; empty: any address). */
    async setAllowlist(actor: Actor, keyId: string, workspaceId: string | null, ipAllowlist: string[]) {
      return changePolicy(actor, keyId, workspaceId, "key.allowlist", async (tx, key) => {
        await tx.apiKey.update({ where: { id: keyId }, data: { ipAllowlist } });
        return { before: { ipAllowlist: key.ipAllowlist }, after: { ipAllowlist } };
      });
    },

    /** Sets the key's credit balance and refill (null: no balance). Redis takes the new balance on the key's next request. */
    async setCredits(actor: Actor, keyId: string, workspaceId: string | null, credits: CreditsInput) {
      return changePolicy(actor, keyId, workspaceId, "key.credits", async (tx, key) => {
        const { creditsVersion } = await tx.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: { creditsVersion: true } });
        await tx.apiKey.update({ where: { id: keyId }, data: creditColumns(credits, creditsVersion, now().getTime()) });
        return { before: { credits: creditsView(key) }, after: { credits } };
      });
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
        // the plan's maximum lifetime counts from the roll: the replacement expires no later
        const lifetime = await lifetimeLimit(tx, workspace.tierName);
        const expiresAt = lifetime && (old.expiresAt === null || old.expiresAt > lifetime.until) ? lifetime.until : old.expiresAt;
        const rolled = await insertKey(tx, {
          workspaceId: workspace.id,
          // the replacement is the roller's: the old key's creator may have left
          userId: actor.id ?? old.userId,
          tier: workspace.tierName,
          name: old.name,
          expiresAt,
          metadata: (old.metadata ?? {}) as Prisma.InputJsonValue,
          overrides: { limitMinute: old.limitMinute, limitHour: old.limitHour, limitDay: old.limitDay, limitMonth: old.limitMonth },
          // the same policy; credits as last reconciled (the old key keeps its own balance for its grace period)
          policy: { environment: old.environment, grants: grantsOf(old), ipAllowlist: old.ipAllowlist, credits: creditsView(old) },
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
