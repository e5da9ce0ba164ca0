// Invitations to a team workspace. The mailed link carries a random token (only its SHA-256 is
// stored) and works for 7 days; it is answered by a signed-in user whose verified address is the
// one invited, so a forwarded or leaked link lets nobody else in.
import { createHash, randomBytes } from "node:crypto";
import { atLeast, DomainError, lockWorkspace, writeAudit, type Actor, type Db, type Member, type WorkspaceRole } from "@keyway/db";
import type { MailService } from "./mail.ts";

export const INVITATION_TTL_MS = 7 * 86_400_000;
/** Open invitations one workspace may have at once. */
export const MAX_PENDING_INVITATIONS = 50;

const tokenHash = (token: string) => createHash("sha256").update(token).digest("base64url");

export interface InvitationDeps {
  db: Db;
  mail: MailService;
  publicUrl: string;
  clock?: () => number;
}

const ROLE_WORDS: Record<WorkspaceRole, string> = {
  owner: "an owner (plan, members and keys)",
  admin: "an admin (members and keys)",
  developer: "a developer (keys and usage)",
  viewer: "a viewer (usage only)",
};

export function invitationService({ db, mail, publicUrl, clock = Date.now }: InvitationDeps) {
  const now = () => new Date(clock());
  const publicFields = { id: true, email: true, role: true, status: true, expires: true, createdAt: true, invitedBy: { select: { name: true, email: true } } } as const;

  /** The invitation a user may answer: open, unexpired, and for their verified address. */
  async function answerable(id: string, userId: string) {
    const [invitation, user] = await Promise.all([
      db.invitation.findUnique({ where: { id }, select: { id: true, email: true, role: true, status: true, expires: true, workspaceId: true, workspace: { select: { name: true } } } }),
      db.user.findUnique({ where: { id: userId }, select: { email: true, emailVerified: true } }),
    ]);
    if (!invitation || !user) throw new DomainError("NOT_FOUND", "No such invitation.");
    if (invitation.email !== user.email) throw new DomainError("WRONG_ACCOUNT", `This invitation is for ${invitation.email}: sign in with that address to answer it.`);
    if (user.emailVerified === null) throw new DomainError("EMAIL_NOT_VERIFIED", "Verify your email address first: open the link we mailed you.");
    if (invitation.status !== "pending") throw new DomainError("INVALID_TOKEN", `This invitation was ${invitation.status} already.`);
    if (invitation.expires <= now()) throw new DomainError("INVALID_TOKEN", "This invitation has expired: ask for a new one.");
    return invitation;
  }

  return {
    /**
     * Invites an address with a role, or renews its open invitation (a new link, 7 days again; the
     * old link stops working). Only an owner may invite an owner.
     */
    async invite(by: Member, workspaceId: string, input: { email: string; role: WorkspaceRole }) {
      const email = input.email.trim().toLowerCase();
      if (input.role === "owner" && by.role !== "owner") throw new DomainError("ROLE_REQUIRED", "Only an owner can invite an owner.");
      const token = randomBytes(32).toString("base64url");
      const { invitation, workspace, inviter } = await db.$transaction(async (tx) => {
        const workspace = await lockWorkspace(tx, workspaceId);
        if (workspace.personal) throw new DomainError("PERSONAL_WORKSPACE", "Your personal workspace has only you: create a team workspace to invite people.");
        const inviter = await tx.user.findUniqueOrThrow({ where: { id: by.actor.id }, select: { name: true, email: true, emailVerified: true } });
        // an unproven address sends no mail to others
        if (inviter.emailVerified === null) throw new DomainError("EMAIL_NOT_VERIFIED", "Verify your email address before inviting anyone.");
        if (await tx.membership.findFirst({ where: { workspaceId, user: { email } }, select: { userId: true } })) {
          throw new DomainError("ALREADY_MEMBER", `${email} is a member of this workspace already.`);
        }
        const open = await tx.invitation.findFirst({ where: { workspaceId, email, status: "pending" }, select: { id: true } });
        if (!open && (await tx.invitation.count({ where: { workspaceId, status: "pending", expires: { gt: now() } } })) >= MAX_PENDING_INVITATIONS) {
          throw new DomainError("INVITATION_LIMIT_REACHED", `This workspace has ${MAX_PENDING_INVITATIONS} open invitations, the most allowed: revoke some first.`);
        }
        const data = { role: input.role, hash: tokenHash(token), invitedById: by.actor.id, expires: new Date(clock() + INVITATION_TTL_MS) };
        const invitation = open
          ? await tx.invitation.update({ where: { id: open.id }, data, select: publicFields })
          : await tx.invitation.create({ data: { ...data, workspaceId, email }, select: publicFields });
        await writeAudit(tx, by.actor, { action: open ? "invitation.renew" : "invitation.create", targetWorkspaceId: workspaceId, after: { email, role: input.role } });
        return { invitation, workspace, inviter };
      });
      try {
        await mail.send({
          to: email,
          subject: `${inviter.name ?? inviter.email} invited you to ${workspace.name} on Keyway`,
          paragraphs: [
            `${inviter.name ? `${inviter.name} (${inviter.email})` : inviter.email} invited you to join the workspace “${workspace.name}” on Keyway as ${ROLE_WORDS[input.role]}.`,
            `The link works for 7 days. Sign in or create your account with this address (${email}) to accept. If you did not expect this, ignore this mail.`,
          ],
          action: { label: "See the invitation", url: new URL(`/invite?token=${encodeURIComponent(token)}`, publicUrl).toString() },
        });
      } catch {
        throw new DomainError("MAIL_UNAVAILABLE", "The invitation is saved, but its mail could not be sent: try “Resend” in a moment.");
      }
      return invitation;
    },

    /** Open and expired-but-unanswered invitations of a workspace, newest first. */
    async list(workspaceId: string) {
      const rows = await db.invitation.findMany({ where: { workspaceId, status: "pending" }, select: publicFields, orderBy: { createdAt: "desc" } });
      return rows.map((r) => ({ ...r, expired: r.expires <= now() }));
    },

    async revoke(by: Member, workspaceId: string, invitationId: string) {
      await db.$transaction(async (tx) => {
        const invitation = await tx.invitation.findFirst({ where: { id: invitationId, workspaceId }, select: { email: true, role: true, status: true } });
        if (!invitation) throw new DomainError("NOT_FOUND", "No such invitation.");
        if (invitation.status !== "pending") throw new DomainError("INVALID_TOKEN", `This invitation was ${invitation.status} already.`);
        if (invitation.role === "owner" && !atLeast(by.role, "owner")) throw new DomainError("ROLE_REQUIRED", "Only an owner can revoke an owner's invitation.");
        await tx.invitation.update({ where: { id: invitationId }, data: { status: "revoked" } });
        await writeAudit(tx, by.actor, { action: "invitation.revoke", targetWorkspaceId: workspaceId, before: { email: invitation.email, role: invitation.role } });
      });
    },

    /** What a mailed link is about, for the page it opens. An unknown token is an invalid link. */
    async preview(token: string, userId: string) {
      const invitation = /^[\w-]{20,100}$/.test(token)
        ? await db.invitation.findUnique({ where: { hash: tokenHash(token) }, select: { ...publicFields, workspace: { select: { name: true } } } })
        : null;
      if (!invitation) throw new DomainError("INVALID_TOKEN", "This invitation link is not valid: it may have been renewed or revoked. Ask for a new one.");
      const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
      const { workspace, ...rest } = invitation;
      return { ...rest, workspaceName: workspace.name, expired: invitation.expires <= now(), forYou: user?.email === invitation.email };
    },

    /** Open invitations to the user's verified address. */
    async mine(userId: string) {
      const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, emailVerified: true } });
      if (!user?.emailVerified) return [];
      const rows = await db.invitation.findMany({
        where: { email: user.email, status: "pending", expires: { gt: now() } },
        select: { ...publicFields, workspace: { select: { id: true, name: true } } },
        orderBy: { createdAt: "desc" },
      });
      return rows.map(({ workspace, ...r }) => ({ ...r, workspaceId: workspace.id, workspaceName: workspace.name }));
    },

    /** Accepts (joins with the invited role) or declines. */
    async respond(actor: Actor & { id: string }, invitationId: string, accept: boolean) {
      return db.$transaction(async (tx) => {
        const invitation = await answerable(invitationId, actor.id);
        // the row, once: a second answer at the same moment finds it answered
        const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, status: "pending" }, data: { status: accept ? "accepted" : "declined" } });
        if (claimed.count !== 1) throw new DomainError("INVALID_TOKEN", "This invitation was answered already.");
        if (accept) {
          await tx.membership.upsert({
            where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: actor.id } },
            create: { workspaceId: invitation.workspaceId, userId: actor.id, role: invitation.role },
            update: {},
          });
        }
        await writeAudit(tx, actor, { action: accept ? "invitation.accept" : "invitation.decline", targetUserId: actor.id, targetWorkspaceId: invitation.workspaceId, after: { role: invitation.role } });
        return { workspaceId: invitation.workspaceId, workspaceName: invitation.workspace.name, role: invitation.role, accepted: accept };
      });
    },
  };
}
export type InvitationService = ReturnType<typeof invitationService>;
