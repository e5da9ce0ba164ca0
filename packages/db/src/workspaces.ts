// Workspaces: who holds keys and a plan. Every user has a personal one, made with the user in the
// same statement, so no user is ever without a place for keys; teams have members with roles.
import { effectiveLimits, type InvalidationTarget } from "@keyway/core";
import type { Db } from "./client.ts";
import { writeAudit, type Actor } from "./audit.ts";
import { DomainError } from "./errors.ts";
import { creditsView } from "./credits.ts";
import { overridesOf } from "./overrides.ts";
import type { Prisma } from "./generated/prisma/client.ts";

/** A membership in the user's personal workspace (the one they own and were made with). */
export const PERSONAL = { role: "owner", workspace: { personal: true } } satisfies Prisma.MembershipWhereInput;

/** The part of a `user.create` that makes the user's personal workspace on `tier`, owned by them. */
export function withPersonalWorkspace(tier = "free") {
  return {
    memberships: { create: { role: "owner", workspace: { create: { name: "Personal", personal: true, tierName: tier } } } },
  } satisfies Pick<Prisma.UserCreateInput, "memberships">;
}

/** A user's personal workspace (every user has exactly one). */
export async function personalWorkspaceOf(db: Db | Prisma.TransactionClient, userId: string) {
  const membership = await db.membership.findFirst({
    where: { userId, ...PERSONAL },
    select: { workspace: { select: { id: true, name: true, tierName: true } } },
  });
  if (!membership) throw new DomainError("NOT_FOUND", "No such user.");
  return membership.workspace;
}

/** Selects, on a user, their personal workspace's plan; `personalTier` reads it. */
export const personalPlanSelect = {
  where: PERSONAL,
  select: { workspace: { select: { tierName: true } } },
  take: 1,
} satisfies Prisma.User$membershipsArgs;

export const personalTier = (user: { memberships: { workspace: { tierName: string } }[] }) => user.memberships[0]?.workspace.tierName ?? "free";

/**
 * Locks a workspace's row for the rest of the transaction, so that changes to one workspace (its
 * key count, its members, its invitations) happen one at a time.
 */
export async function lockWorkspace(tx: Prisma.TransactionClient, workspaceId: string) {
  const rows = await tx.$queryRaw<{ id: string; name: string; personal: boolean; tierName: string }[]>`
    SELECT id, name, personal, "tierName" FROM "Workspace" WHERE id = ${workspaceId} FOR UPDATE`;
  if (rows.length === 0) throw new DomainError("NOT_FOUND", "No such workspace.");
  return rows[0]!;
}

/** Refuses a tier name that does not exist (before a workspace is made on it or moved to it). */
export async function assertTier(tx: Prisma.TransactionClient, tier: string): Promise<void> {
  if (!(await tx.tier.findUnique({ where: { name: tier }, select: { name: true } }))) {
    throw new DomainError("INVALID_TIER", `There is no tier named ${JSON.stringify(tier)}.`);
  }
}

/**
 * Moves a workspace to a tier inside the caller's transaction (which writes the audit row it
 * wants); returns the tier it was on. The caller publishes `{ workspaceId }` after the commit.
 */
export async function moveToTier(tx: Prisma.TransactionClient, workspaceId: string, tier: string): Promise<string> {
  await assertTier(tx, tier);
  const before = await lockWorkspace(tx, workspaceId);
  await tx.workspace.update({ where: { id: workspaceId }, data: { tierName: tier } });
  return before.tierName;
}

/** Refuses to take away a team's only owner (deleting their account): they hand it over or delete it first. */
export async function assertNotSoleOwner(db: Db | Prisma.TransactionClient, userId: string): Promise<void> {
  const owned = await db.workspace.findMany({
    where: { personal: false, members: { some: { userId, role: "owner" } } },
    select: { name: true, members: { where: { role: "owner" }, select: { userId: true } } },
  });
  const sole = owned.filter((w) => w.members.length === 1);
  if (sole.length > 0) {
    throw new DomainError("LAST_OWNER", `You are the only owner of ${sole.map((w) => `“${w.name}”`).join(", ")}: make another member an owner, or delete the workspace, first.`);
  }
}

export type WorkspaceRole = "owner" | "admin" | "developer" | "viewer";
/** What each role may do includes everything the roles below it may. */
const ROLE_RANK: Record<WorkspaceRole, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };
export const atLeast = (role: WorkspaceRole, minimum: WorkspaceRole) => ROLE_RANK[role] >= ROLE_RANK[minimum];

/** How many team workspaces one user may own (their personal one aside). */
export const MAX_OWNED_TEAMS = 20;

export interface WorkspaceServiceOptions {
  publish: (target: InvalidationTarget) => Promise<void>;
}

/** Who is acting in a workspace: the audit actor and their role there. */
export interface Member {
  actor: Actor & { id: string };
  role: WorkspaceRole;
}

const summarySelect = {
  id: true, name: true, personal: true, externalId: true, tierName: true, createdAt: true,
  limitMinute: true, limitHour: true, limitDay: true, limitMonth: true,
  creditsRemaining: true, creditsRefillAmount: true, creditsRefill: true,
  tier: { select: { perMinute: true, perHour: true, perDay: true, perMonth: true, description: true, maxKeyLifetimeDays: true } },
} satisfies Prisma.WorkspaceSelect;
type SummaryRow = Prisma.WorkspaceGetPayload<{ select: typeof summarySelect }>;

/** A workspace as members and admins see it: its plan, its overrides and the limits that result. */
function workspaceSummary({ tier, limitMinute, limitHour, limitDay, limitMonth, creditsRemaining, creditsRefillAmount, creditsRefill, ...w }: SummaryRow) {
  const plan = { minute: tier.perMinute, hour: tier.perHour, day: tier.perDay, month: tier.perMonth };
  const overrides = overridesOf({ limitMinute, limitHour, limitDay, limitMonth });
  return {
    ...w,
    plan: { name: w.tierName, description: tier.description, limits: plan, maxKeyLifetimeDays: tier.maxKeyLifetimeDays },
    overrides,
    limits: effectiveLimits(plan, overrides),
    /** The workspace's shared credit balance as last reconciled, and its refill (null: none). */
    credits: creditsView({ creditsRemaining, creditsRefillAmount, creditsRefill }),
  };
}

export function workspaceService(db: Db, options: WorkspaceServiceOptions) {
  const publish = (target: InvalidationTarget) => options.publish(target).catch(() => {});

  const lock = lockWorkspace;

  function notPersonal(workspace: { personal: boolean }, what: string) {
    if (workspace.personal) throw new DomainError("PERSONAL_WORKSPACE", `Your personal workspace has only you: ${what}. Create a team workspace for that.`);
  }

  async function owners(tx: Prisma.TransactionClient, workspaceId: string) {
    return tx.membership.count({ where: { workspaceId, role: "owner" } });
  }

  async function memberOf(tx: Prisma.TransactionClient, workspaceId: string, userId: string) {
    const m = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true, user: { select: { email: true } } } });
    if (!m) throw new DomainError("NOT_FOUND", "No such member.");
    return m;
  }

  return {
    /** The caller's role in a workspace, or null when they are not a member (read on every call). */
    async roleOf(workspaceId: string, userId: string): Promise<WorkspaceRole | null> {
      const m = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } });
      return m?.role ?? null;
    },

    /** The workspaces a user belongs to: personal first, then teams by name. */
    async listFor(userId: string) {
      const memberships = await db.membership.findMany({
        where: { userId },
        select: { role: true, workspace: { select: { id: true, name: true, personal: true, tierName: true, _count: { select: { members: true } } } } },
      });
      return memberships
        .map(({ role, workspace: { _count, ...w } }) => ({ ...w, role, members: _count.members }))
        .sort((a, b) => Number(b.personal) - Number(a.personal) || a.name.localeCompare(b.name));
    },

    async get(workspaceId: string) {
      const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: summarySelect });
      if (!row) throw new DomainError("NOT_FOUND", "No such workspace.");
      return workspaceSummary(row);
    },

    /**
     * What happened in the workspace lately, newest first, for its members' overview: keys made,
     * rolled and revoked, members and invitations. No addresses a member should not see: the
     * client IP never, an invitee's email only with `invitees` (the workspace's admins).
     */
    async activity(workspaceId: string, { take = 10, invitees = false }: { take?: number; invitees?: boolean } = {}) {
      const rows = await db.auditLog.findMany({
        where: { targetWorkspaceId: workspaceId },
        orderBy: { id: "desc" },
        take: Math.min(take, 50),
        select: { id: true, at: true, action: true, actorId: true, targetUserId: true, targetKeyId: true, targetKeyPrefix: true, before: true, after: true },
      });
      const userIds = [...new Set(rows.flatMap((r) => [r.actorId, r.targetUserId]).filter((x): x is string => x !== null))];
      const keyIds = [...new Set(rows.map((r) => r.targetKeyId).filter((x): x is string => x !== null))];
      const [users, keys] = await Promise.all([
        db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }),
        db.apiKey.findMany({ where: { id: { in: keyIds }, workspaceId }, select: { id: true, name: true } }),
      ]);
      const who = new Map(users.map((u) => [u.id, u.name ?? u.email]));
      const keyName = new Map(keys.map((k) => [k.id, k.name]));
      const field = (v: unknown, name: string) => (v && typeof v === "object" && name in v ? String((v as Record<string, unknown>)[name]) : null);
      return rows.map((r) => ({
        id: r.id.toString(),
        at: r.at,
        action: r.action,
        actor: r.actorId ? (who.get(r.actorId) ?? "A deleted account") : "Keyway",
        member: r.targetUserId ? (who.get(r.targetUserId) ?? null) : null,
        key: r.targetKeyId ? { id: r.targetKeyId, prefix: r.targetKeyPrefix, name: keyName.get(r.targetKeyId) ?? null } : null,
        invitee: invitees && r.action.startsWith("invitation.") ? (field(r.after, "email") ?? field(r.before, "email")) : null,
        role: field(r.after, "role"),
      }));
    },

    /** A team workspace on the free plan, owned by its creator. */
    async create(actor: Actor & { id: string }, name: string) {
      return db.$transaction(async (tx) => {
        // the user's own row is the lock, so two creates at once cannot both pass the count
        await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${actor.id} FOR UPDATE`;
        const owned = await tx.membership.count({ where: { userId: actor.id, role: "owner", workspace: { personal: false } } });
        if (owned >= MAX_OWNED_TEAMS) throw new DomainError("WORKSPACE_LIMIT_REACHED", `You own ${owned} team workspaces, the most allowed: delete one first.`);
        const workspace = await tx.workspace.create({
          data: { name, personal: false, members: { create: { userId: actor.id, role: "owner" } } },
          select: { id: true, name: true, personal: true, tierName: true },
        });
        await writeAudit(tx, actor, { action: "workspace.create", targetWorkspaceId: workspace.id, after: { name } });
        return { ...workspace, role: "owner" as const };
      });
    },

    async rename({ actor }: Member, workspaceId: string, name: string) {
      const after = await db.$transaction(async (tx) => {
        const before = await lock(tx, workspaceId);
        const renamed = await tx.workspace.update({ where: { id: workspaceId }, data: { name }, select: { id: true, name: true } });
        await writeAudit(tx, actor, { action: "workspace.rename", targetWorkspaceId: workspaceId, before: { name: before.name }, after: { name } });
        return renamed;
      });
      // verify results carry the workspace's name
      await publish({ workspaceId });
      return after;
    },

    /** Deletes a team workspace with its keys (they stop verifying at once), invitations and memberships. */
    async remove({ actor }: Member, workspaceId: string) {
      await db.$transaction(async (tx) => {
        const workspace = await lock(tx, workspaceId);
        notPersonal(workspace, "it is deleted with your account");
        const keys = await tx.apiKey.count({ where: { workspaceId } });
        await tx.workspace.delete({ where: { id: workspaceId } });
        await writeAudit(tx, actor, { action: "workspace.delete", targetWorkspaceId: workspaceId, before: { name: workspace.name, keys } });
      });
      await publish({ workspaceId });
    },

    async members(workspaceId: string) {
      const rows = await db.membership.findMany({
        where: { workspaceId },
        select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
        orderBy: { createdAt: "asc" },
      });
      return rows.map(({ user, ...m }) => ({ userId: user.id, email: user.email, name: user.name, ...m }));
    },

    /**
     * Changes a member's role. Admins manage developers, viewers and other admins; only an owner
     * makes or unmakes an owner; a workspace always keeps at least one owner.
     */
    async setRole(by: Member, workspaceId: string, userId: string, role: WorkspaceRole) {
      return db.$transaction(async (tx) => {
        notPersonal(await lock(tx, workspaceId), "there are no roles to change");
        const target = await memberOf(tx, workspaceId, userId);
        if ((role === "owner" || target.role === "owner") && by.role !== "owner") {
          throw new DomainError("ROLE_REQUIRED", "Only an owner can make someone an owner or change an owner's role.");
        }
        if (target.role === "owner" && role !== "owner" && (await owners(tx, workspaceId)) === 1) {
          throw new DomainError("LAST_OWNER", "This is the workspace's only owner: make another member an owner first.");
        }
        await tx.membership.update({ where: { workspaceId_userId: { workspaceId, userId } }, data: { role } });
        await writeAudit(tx, by.actor, { action: "workspace.member.role", targetUserId: userId, targetWorkspaceId: workspaceId, before: { role: target.role }, after: { role } });
        return { userId, role };
      });
    },

    /**
     * Removes a member, or the caller themselves (leaving). Their access ends with this commit:
     * every procedure reads the membership afresh. Keys they created stay with the workspace.
     */
    async removeMember(by: Member, workspaceId: string, userId: string) {
      const leaving = userId === by.actor.id;
      await db.$transaction(async (tx) => {
        notPersonal(await lock(tx, workspaceId), leaving ? "it cannot be left" : "there is nobody else to remove");
        const target = await memberOf(tx, workspaceId, userId);
        if (!leaving && !atLeast(by.role, "admin")) throw new DomainError("ROLE_REQUIRED", "Only an admin or owner can remove members.");
        if (!leaving && target.role === "owner" && by.role !== "owner") throw new DomainError("ROLE_REQUIRED", "Only an owner can remove an owner.");
        if (target.role === "owner" && (await owners(tx, workspaceId)) === 1) {
          throw new DomainError("LAST_OWNER", leaving ? "You are the workspace's only owner: make another member an owner first, or delete the workspace." : "This is the workspace's only owner.");
        }
        await tx.membership.delete({ where: { workspaceId_userId: { workspaceId, userId } } });
        await writeAudit(tx, by.actor, { action: leaving ? "workspace.leave" : "workspace.member.remove", targetUserId: userId, targetWorkspaceId: workspaceId, before: { role: target.role, email: target.user.email } });
      });
    },
  };
}
export type WorkspaceService = ReturnType<typeof workspaceService>;
