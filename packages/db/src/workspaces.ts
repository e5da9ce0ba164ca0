// Workspaces: who holds keys and a plan. Every user has a personal one, made with the user in the
// same statement, so no user is ever without a place for keys.
import type { Db } from "./client.ts";
import { DomainError } from "./errors.ts";
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
