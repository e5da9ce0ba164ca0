// What admins change and read: tiers (plans), users (tier, role, disabled) and the audit log.
// Like the key lifecycle, every change writes its audit row in the same transaction and then
// announces itself so every process drops the cached key records it affects.
import { effectiveLimits, MAX_LIMIT, TIER_NAME, WINDOWS, type InvalidationTarget, type Limits } from "@keyway/core";
import type { Db } from "./client.ts";
import { writeAudit, type Actor } from "./audit.ts";
import { DomainError } from "./errors.ts";
import { assertTier, moveToTier, personalPlanSelect, personalTier } from "./workspaces.ts";
import { assertAscending, overrideData, overridesOf, type LimitOverrides } from "./overrides.ts";
import { creditColumns, creditsView, type CreditsInput } from "./credits.ts";
import type { Prisma, Role } from "./generated/prisma/client.ts";


export interface TierInput {
  name: string;
  description: string;
  limits: Limits;
  /** The longest a key on the tier may live, in days (null: no maximum); applied at creation and roll. */
  maxKeyLifetimeDays?: number | null;
}

/** The longest lifetime a tier may impose, in days (ten years). */
export const MAX_KEY_LIFETIME_DAYS = 3_650;

function checkLifetime(days: number | null | undefined): void {
  if (days != null && (!Number.isInteger(days) || days < 1 || days > MAX_KEY_LIFETIME_DAYS)) {
    throw new DomainError("INVALID_INPUT", `The maximum key lifetime is a whole number of days from 1 to ${MAX_KEY_LIFETIME_DAYS}, or none.`, "maxKeyLifetimeDays");
  }
}

/** Positive whole numbers, no larger than MAX_LIMIT, and minute ≤ hour ≤ day ≤ month. */
export function checkLimits(limits: Partial<Record<keyof Limits, unknown>>): asserts limits is Limits {
  for (const w of WINDOWS) {
    const v = limits[w];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_LIMIT) {
      throw new DomainError("INVALID_INPUT", `The per-${w} limit must be a whole number from 1 to ${MAX_LIMIT.toLocaleString("en")}.`);
    }
  }
  for (let i = 1; i < WINDOWS.length; i++) {
    const [a, b] = [WINDOWS[i - 1]!, WINDOWS[i]!];
    if ((limits[a] as number) > (limits[b] as number)) {
      throw new DomainError("INVALID_INPUT", `The per-${a} limit (${limits[a]}) cannot be higher than the per-${b} limit (${limits[b]}).`, `limits.${a}`);
    }
  }
}

const tierSelect = { name: true, description: true, perMinute: true, perHour: true, perDay: true, perMonth: true, maxKeyLifetimeDays: true, updatedAt: true } satisfies Prisma.TierSelect;
type TierRow = Prisma.TierGetPayload<{ select: typeof tierSelect }>;
const limitsOf = (t: TierRow): Limits => ({ minute: t.perMinute, hour: t.perHour, day: t.perDay, month: t.perMonth });
const columnsOf = (l: Limits) => ({ perMinute: l.minute, perHour: l.hour, perDay: l.day, perMonth: l.month });
const auditTier = (t: TierRow) => ({ description: t.description, ...limitsOf(t), maxKeyLifetimeDays: t.maxKeyLifetimeDays });

export const USER_PAGE_SIZE = 25;
export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  /** A user id or (part of) an email address. */
  actor?: string;
  /** A user id or email, a key id or display prefix, a workspace id. */
  target?: string;
  action?: string;
  /** Rows at or after this instant. */
  from?: Date;
  /** Rows before this instant. */
  to?: Date;
}

/**
 * Prisma's `contains` and `startsWith` are LIKE patterns that pass % and _ through as wildcards;
 * escaped, they mean themselves.
 */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Refuses to take away the last enabled admin (demoting, disabling or deleting them). Locks the
 * enabled admins' rows, so two admins doing it to each other cannot both succeed: call it inside
 * the transaction that makes the change.
 */
export async function assertAnotherAdmin(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "User" WHERE role = 'admin' AND disabled = false FOR UPDATE`;
  if (admins.length === 1 && admins[0]!.id === userId) {
    throw new DomainError("LAST_ADMIN", "This is the last enabled admin: make someone else an admin first.");
  }
}

export function adminService(db: Db, options: { publish: (target: InvalidationTarget) => Promise<void>; clock?: () => number }) {
  const publish = (target: InvalidationTarget) => options.publish(target).catch(() => {});
  const now = () => (options.clock ?? Date.now)();

  async function findUser(tx: Prisma.TransactionClient, userId: string) {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, disabled: true } });
    if (!user) throw new DomainError("NOT_FOUND", "No such user.");
    return user;
  }

  /** The one place a role changes, with its audit row; optionally ending the user's sessions (how many). */
  async function changeRole(actor: Actor, userId: string, role: Role, endSessions: boolean): Promise<number> {
    return db.$transaction(async (tx) => {
      const before = await findUser(tx, userId);
      const ended = endSessions ? (await tx.session.deleteMany({ where: { userId } })).count : 0;
      if (before.role === role) return ended;
      if (before.role === "admin") await assertAnotherAdmin(tx, userId);
      await tx.user.update({ where: { id: userId }, data: { role } });
      await writeAudit(tx, actor, { action: "user.role", targetUserId: userId, before: { role: before.role }, after: endSessions ? { role, endedSessions: ended } : { role } });
      return ended;
    });
  }

  /** Users whose email or name contains the text, case-insensitively. */
  const userSearch = (q: string | undefined): Prisma.UserWhereInput => {
    if (!q) return {};
    const text = literal(q);
    return { OR: [{ email: { contains: text, mode: "insensitive" } }, { name: { contains: text, mode: "insensitive" } }, { id: q }] };
  };

  async function userIdsMatching(text: string): Promise<string[]> {
    const users = await db.user.findMany({ where: userSearch(text.trim()), select: { id: true }, take: 200 });
    return users.map((u) => u.id);
  }

  async function getUser(userId: string) {
    const user = await db.user.findUnique({
      where: { id: userId },
      select: {
        id: true, email: true, name: true, role: true, disabled: true, createdAt: true,
        memberships: {
          orderBy: { createdAt: "asc" },
          select: { role: true, workspace: { select: { id: true, name: true, personal: true, tierName: true } } },
        },
      },
    });
    if (!user) throw new DomainError("NOT_FOUND", "No such user.");
    const { memberships, ...rest } = user;
    const workspaces = memberships.map((m) => ({ ...m.workspace, role: m.role }));
    return { ...rest, tierName: workspaces.find((w) => w.personal)?.tierName ?? "free", workspaces };
  }

  return {
    tiers: {
      async list() {
        const [tiers, users] = await Promise.all([
          db.tier.findMany({ select: tierSelect, orderBy: { perMonth: "asc" } }),
          db.workspace.groupBy({ by: ["tierName"], _count: { _all: true } }),
        ]);
        const count = new Map(users.map((u) => [u.tierName, u._count._all]));
        return tiers.map((t) => ({ name: t.name, description: t.description, limits: limitsOf(t), maxKeyLifetimeDays: t.maxKeyLifetimeDays, workspaces: count.get(t.name) ?? 0, updatedAt: t.updatedAt }));
      },

      async create(actor: Actor, input: TierInput) {
        if (!TIER_NAME.test(input.name)) throw new DomainError("INVALID_INPUT", "A tier name is 1 to 20 lowercase letters and digits (it appears in every key).");
        checkLimits(input.limits);
        checkLifetime(input.maxKeyLifetimeDays);
        return db.$transaction(async (tx) => {
          if (await tx.tier.findUnique({ where: { name: input.name }, select: { name: true } })) {
            throw new DomainError("TIER_EXISTS", `A tier named ${input.name} already exists.`, "name");
          }
          const tier = await tx.tier.create({ data: { name: input.name, description: input.description, maxKeyLifetimeDays: input.maxKeyLifetimeDays ?? null, ...columnsOf(input.limits) }, select: tierSelect });
          await writeAudit(tx, actor, { action: "tier.create", after: { name: tier.name, ...auditTier(tier) } });
          return { name: tier.name, description: tier.description, limits: limitsOf(tier), maxKeyLifetimeDays: tier.maxKeyLifetimeDays };
        });
      },

      /** New limits apply to every key on the tier on its next request (all caches are told at once). */
      async update(actor: Actor, name: string, input: Omit<TierInput, "name">) {
        checkLimits(input.limits);
        checkLifetime(input.maxKeyLifetimeDays);
        const tier = await db.$transaction(async (tx) => {
          const before = await tx.tier.findUnique({ where: { name }, select: tierSelect });
          if (!before) throw new DomainError("NOT_FOUND", "No such tier.");
          // (an existing key keeps its expiry: the maximum applies when a key is made or rolled)
          const after = await tx.tier.update({
            where: { name },
            data: { description: input.description, ...columnsOf(input.limits), ...(input.maxKeyLifetimeDays !== undefined ? { maxKeyLifetimeDays: input.maxKeyLifetimeDays } : {}) },
            select: tierSelect,
          });
          await writeAudit(tx, actor, { action: "tier.update", before: { name, ...auditTier(before) }, after: { name, ...auditTier(after) } });
          return after;
        });
        await publish("all");
        return { name: tier.name, description: tier.description, limits: limitsOf(tier), maxKeyLifetimeDays: tier.maxKeyLifetimeDays };
      },

      async remove(actor: Actor, name: string) {
        await db.$transaction(async (tx) => {
          const before = await tx.tier.findUnique({ where: { name }, select: tierSelect });
          if (!before) throw new DomainError("NOT_FOUND", "No such tier.");
          const workspaces = await tx.workspace.count({ where: { tierName: name } });
          if (workspaces > 0) throw new DomainError("TIER_IN_USE", `${workspaces} workspace${workspaces === 1 ? " is" : "s are"} on the ${name} tier: move them to another tier first.`);
          await tx.tier.delete({ where: { name } });
          await writeAudit(tx, actor, { action: "tier.delete", before: { name, ...auditTier(before) } });
        });
      },
    },

    workspaces: {
      /** One page of workspaces, newest first: teams, personal ones and customers' (q: name, id, external id or a member's email). */
      async list(input: { q?: string; page?: number }) {
        const page = Math.max(0, input.page ?? 0);
        const q = input.q?.trim();
        const where: Prisma.WorkspaceWhereInput = q
          ? { OR: [{ name: { contains: literal(q), mode: "insensitive" } }, { id: q }, { externalId: q }, { members: { some: { user: { email: { contains: literal(q), mode: "insensitive" } } } } }] }
          : {};
        const [total, rows] = await Promise.all([
          db.workspace.count({ where }),
          db.workspace.findMany({
            where,
            orderBy: [{ createdAt: "desc" }, { id: "asc" }],
            skip: page * USER_PAGE_SIZE,
            take: USER_PAGE_SIZE,
            select: { id: true, name: true, personal: true, externalId: true, tierName: true, createdAt: true, _count: { select: { members: true, keys: { where: { status: "active" } } } } },
          }),
        ]);
        return { total, page, pageSize: USER_PAGE_SIZE, workspaces: rows.map(({ _count, ...w }) => ({ ...w, members: _count.members, activeKeys: _count.keys })) };
      },

      /** A workspace for the platform's own customer: no members; its keys are made by operators or the platform API. */
      async create(actor: Actor, input: { name: string; externalId?: string | null; tier?: string }) {
        const tier = input.tier ?? "free";
        return db.$transaction(async (tx) => {
          await assertTier(tx, tier);
          if (input.externalId && (await tx.workspace.findUnique({ where: { externalId: input.externalId }, select: { id: true } }))) {
            throw new DomainError("EXTERNAL_ID_TAKEN", `A workspace with the external id ${JSON.stringify(input.externalId)} exists already.`, "externalId");
          }
          const workspace = await tx.workspace.create({ data: { name: input.name, externalId: input.externalId ?? null, tierName: tier }, select: { id: true, name: true, externalId: true, tierName: true, personal: true } });
          await writeAudit(tx, actor, { action: "workspace.create", targetWorkspaceId: workspace.id, after: { name: workspace.name, externalId: workspace.externalId, tier } });
          return workspace;
        });
      },

      /** Moves a workspace to a tier; its keys take the new limits on their next request. */
      async setTier(actor: Actor, workspaceId: string, tier: string) {
        const updated = await db.$transaction(async (tx) => {
          const was = await moveToTier(tx, workspaceId, tier);
          await writeAudit(tx, actor, { action: "workspace.tier", targetWorkspaceId: workspaceId, before: { tier: was }, after: { tier } });
          return { id: workspaceId, tier };
        });
        await publish({ workspaceId });
        return updated;
      },

      /**
       * A platform admin's overrides of a workspace's plan, window by window (null: the plan's
       * value again). Every key of the workspace counts against them from its next request.
       */
      async setLimits(actor: Actor, workspaceId: string, overrides: LimitOverrides) {
        const data = overrideData(overrides);
        const updated = await db.$transaction(async (tx) => {
          const before = await tx.workspace.findUnique({ where: { id: workspaceId } });
          if (!before) throw new DomainError("NOT_FOUND", "No such workspace.");
          const after = await tx.workspace.update({ where: { id: workspaceId }, data, include: { tier: true } });
          const plan = { minute: after.tier.perMinute, hour: after.tier.perHour, day: after.tier.perDay, month: after.tier.perMonth };
          // the limits in force after the change, not only the overrides, must make sense together
          assertAscending(effectiveLimits(plan, overridesOf(after)));
          await writeAudit(tx, actor, { action: "workspace.limits", targetWorkspaceId: workspaceId, before: overridesOf(before), after: overridesOf(after) });
          return { id: after.id, tier: after.tierName, overrides: overridesOf(after) };
        });
        await publish({ workspaceId });
        return updated;
      },

      /** Sets a workspace's shared credit balance and refill (null: none); every key of it takes from the balance from its next request. */
      async setCredits(actor: Actor, workspaceId: string, credits: CreditsInput) {
        const updated = await db.$transaction(async (tx) => {
          const before = await tx.workspace.findUnique({ where: { id: workspaceId }, select: { creditsRemaining: true, creditsRefillAmount: true, creditsRefill: true, creditsVersion: true } });
          if (!before) throw new DomainError("NOT_FOUND", "No such workspace.");
          await tx.workspace.update({ where: { id: workspaceId }, data: creditColumns(credits, before.creditsVersion, now()) });
          await writeAudit(tx, actor, { action: "workspace.credits", targetWorkspaceId: workspaceId, before: { credits: creditsView(before) }, after: { credits } });
          return { id: workspaceId, credits };
        });
        await publish({ workspaceId });
        return updated;
      },
    },

    users: {
      /** One page of users, newest first, with their active keys, last-24-hour requests and last activity. */
      async list(input: { q?: string; page?: number }) {
        const page = Math.max(0, input.page ?? 0);
        const where = userSearch(input.q?.trim());
        const [total, users] = await Promise.all([
          db.user.count({ where }),
          db.user.findMany({
            where,
            orderBy: [{ createdAt: "desc" }, { id: "asc" }],
            skip: page * USER_PAGE_SIZE,
            take: USER_PAGE_SIZE,
            select: {
              id: true, email: true, name: true, role: true, disabled: true, createdAt: true,
              memberships: personalPlanSelect,
              _count: { select: { apiKeys: { where: { status: "active" } } } },
            },
          }),
        ]);
        const ids = users.map((u) => u.id);
        const since = new Date(Math.floor(now() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
        const [requests, lastUsed, lastSession] = await Promise.all([
          db.usageBucket.groupBy({ by: ["userId"], where: { userId: { in: ids }, period: "hour", start: { gte: since } }, _sum: { allowed: true, rateLimited: true } }),
          db.apiKey.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _max: { lastUsedAt: true } }),
          db.session.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _max: { createdAt: true } }),
        ]);
        const req = new Map(requests.map((r) => [r.userId, (r._sum.allowed ?? 0) + (r._sum.rateLimited ?? 0)]));
        const used = new Map(lastUsed.map((r) => [r.userId, r._max.lastUsedAt?.getTime() ?? 0]));
        const seen = new Map(lastSession.map((r) => [r.userId, r._max.createdAt?.getTime() ?? 0]));
        return {
          total,
          page,
          pageSize: USER_PAGE_SIZE,
          users: users.map(({ _count, memberships, ...u }) => {
            const last = Math.max(used.get(u.id) ?? 0, seen.get(u.id) ?? 0);
            return { ...u, tierName: personalTier({ memberships }), activeKeys: _count.apiKeys, requests24h: req.get(u.id) ?? 0, lastActiveAt: last > 0 ? new Date(last) : null };
          }),
        };
      },

      get: getUser,

      async setRole(actor: Actor, userId: string, role: Role) {
        await changeRole(actor, userId, role, false);
        return getUser(userId);
      },

      /**
       * The operator's `users:promote`: makes a verified account an admin and ends its sessions,
       * so it signs in again as one.
       */
      async promote(actor: Actor, emailInput: string) {
        const email = emailInput.trim().toLowerCase();
        const user = await db.user.findUnique({ where: { email }, select: { id: true, emailVerified: true } });
        if (!user) throw new DomainError("NOT_FOUND", `no user with email ${email}`);
        if (user.emailVerified === null) throw new DomainError("EMAIL_NOT_VERIFIED", `${email} has not verified its address yet`);
        const endedSessions = await changeRole(actor, user.id, "admin", true);
        return { id: user.id, email, role: "admin" as const, endedSessions };
      },

      /** A disabled user's sessions end and their keys are refused (DISABLED_USER) on the next request. */
      async setDisabled(actor: Actor, userId: string, disabled: boolean) {
        const changed = await db.$transaction(async (tx) => {
          const before = await findUser(tx, userId);
          if (before.disabled === disabled) return false;
          if (disabled && before.role === "admin") await assertAnotherAdmin(tx, userId);
          await tx.user.update({ where: { id: userId }, data: { disabled } });
          if (disabled) await tx.session.deleteMany({ where: { userId } });
          await writeAudit(tx, actor, { action: disabled ? "user.disable" : "user.enable", targetUserId: userId, before: { disabled: before.disabled }, after: { disabled } });
          return true;
        });
        if (changed) await publish({ userId });
        return getUser(userId);
      },
    },

    audit: {
      /** Newest first; `before` is the id of the last row of the previous page. */
      async list(filter: AuditFilter & { before?: bigint; take?: number }) {
        const where: Prisma.AuditLogWhereInput = {};
        if (filter.action) where.action = filter.action;
        if (filter.actor?.trim()) where.actorId = { in: await userIdsMatching(filter.actor) };
        if (filter.target?.trim()) {
          const t = filter.target.trim();
          where.OR = [{ targetUserId: { in: await userIdsMatching(t) } }, { targetKeyId: t }, { targetKeyPrefix: { startsWith: literal(t) } }, { targetWorkspaceId: t }];
        }
        if (filter.from || filter.to) where.at = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
        if (filter.before !== undefined) where.id = { lt: filter.before };
        const take = Math.min(filter.take ?? AUDIT_PAGE_SIZE, 10_000);
        const rows = await db.auditLog.findMany({ where, orderBy: { id: "desc" }, take: take + 1 });
        const more = rows.length > take;
        const page = rows.slice(0, take);
        const ids = [...new Set(page.flatMap((r) => [r.actorId, r.targetUserId]).filter((x): x is string => x !== null))];
        const emails = new Map((await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
        const workspaceIds = [...new Set(page.map((r) => r.targetWorkspaceId).filter((x): x is string => x !== null))];
        // a deleted workspace keeps its id here; its name is in the row's `before`
        const names = new Map((await db.workspace.findMany({ where: { id: { in: workspaceIds } }, select: { id: true, name: true } })).map((w) => [w.id, w.name]));
        return {
          rows: page.map((r) => ({
            id: r.id.toString(),
            at: r.at,
            actorId: r.actorId,
            actorEmail: r.actorId ? (emails.get(r.actorId) ?? null) : null,
            actorRole: r.actorRole,
            /** A service token's name, when one acted. */
            actorName: r.actorName,
            action: r.action,
            targetUserId: r.targetUserId,
            targetUserEmail: r.targetUserId ? (emails.get(r.targetUserId) ?? null) : null,
            targetKeyId: r.targetKeyId,
            targetKeyPrefix: r.targetKeyPrefix,
            targetWorkspaceId: r.targetWorkspaceId,
            targetWorkspaceName: r.targetWorkspaceId ? (names.get(r.targetWorkspaceId) ?? null) : null,
            before: r.before,
            after: r.after,
            ip: r.ip,
          })),
          next: more ? page.at(-1)!.id.toString() : null,
        };
      },

      async actions(): Promise<string[]> {
        const rows = await db.auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } });
        return rows.map((r) => r.action);
      },
    },
  };
}
export type AdminService = ReturnType<typeof adminService>;
