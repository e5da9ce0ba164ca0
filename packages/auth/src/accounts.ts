// What a person does with their own account: sign up, prove their address, recover a forgotten
// password, change password, name or email, and delete the account. Links in mails carry a
// random single-use token of which only the SHA-256 is stored. Answers never tell whether an
// address has an account; the owner of a taken address gets a mail instead.
import { createHash, randomBytes } from "node:crypto";
import { assertAnotherAdmin, assertNotSoleOwner, DomainError, personalWorkspaceOf, withPersonalWorkspace, writeAudit, type Actor, type Db, type KeyService } from "@keyway/db";
import type { MailService } from "./mail.ts";
import type { SessionService } from "./sessions.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const VERIFY_EMAIL_TTL_MS = 24 * 3_600_000;
export const RESET_PASSWORD_TTL_MS = 30 * 60_000;

type Purpose = "verify_email" | "reset_password";

const tokenHash = (token: string) => createHash("sha256").update(token).digest("base64url");
const normal = (email: string) => email.trim().toLowerCase();

export interface AccountDeps {
  db: Db;
  mail: MailService;
  sessions: SessionService;
  keys: KeyService;
  publicUrl: string;
  clock?: () => number;
}

export function accountService({ db, mail, sessions, keys, publicUrl, clock = Date.now }: AccountDeps) {
  const link = (path: string, token: string) => new URL(`${path}?token=${encodeURIComponent(token)}`, publicUrl).toString();

  /** A new link for the user; earlier unused links of the same purpose stop working. */
  async function issue(userId: string, purpose: Purpose, email: string, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await db.$transaction([
      db.accountToken.deleteMany({ where: { OR: [{ userId, purpose, usedAt: null }, { expires: { lt: new Date(clock()) } }] } }),
      db.accountToken.create({ data: { hash: tokenHash(token), userId, purpose, email, expires: new Date(clock() + ttlMs) } }),
    ]);
    return token;
  }

  /** Uses a link up: the row, once; null when it is unknown, used, expired or for something else. */
  async function consume(token: string, purpose: Purpose) {
    if (!/^[\w-]{20,100}$/.test(token)) return null;
    const hash = tokenHash(token);
    const used = await db.accountToken.updateMany({ where: { hash, purpose, usedAt: null, expires: { gt: new Date(clock()) } }, data: { usedAt: new Date(clock()) } });
    if (used.count !== 1) return null;
    return db.accountToken.findUnique({ where: { hash }, select: { userId: true, email: true } });
  }

  async function sendVerification(userId: string, email: string, change: boolean): Promise<void> {
    const token = await issue(userId, "verify_email", email, VERIFY_EMAIL_TTL_MS);
    await mail.send({
      to: email,
      subject: change ? "Confirm your new email address for Keyway" : "Verify your email address for Keyway",
      paragraphs: [
        change ? "Someone (we hope you) asked to use this address for their Keyway account." : "Welcome to Keyway. Confirm this address to start creating API keys.",
        "The link works once, for 24 hours. If you did not ask for this, ignore this mail.",
      ],
      action: { label: change ? "Use this address" : "Verify my email", url: link("/verify-email", token) },
    });
  }

  const actorOf = (userId: string | null, client?: { ip: string | null; userAgent: string | null }): Actor => ({
    id: userId,
    role: "developer",
    ip: client?.ip ?? null,
    userAgent: client?.userAgent ?? null,
  });

  return {
    /** An account event with no change of its own to write in the same transaction (sign-in, sign-out, session ends). */
    async record(actor: Actor, action: string, targetUserId: string | null, after?: Record<string, string | number | boolean | null>): Promise<void> {
      await writeAudit(db, actor, { action, targetUserId, after: after ?? null });
    },

    /**
     * A new developer, signed-in but unverified, and a verification mail. For a taken address the
     * answer is the same and its owner is told instead.
     */
    async signUp(input: { email: string; name: string; password: string }): Promise<{ email: string }> {
      const email = normal(input.email);
      const passwordHash = await hashPassword(input.password);
      const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
      if (existing) {
        await mail.send({
          to: email,
          subject: "Someone tried to sign up to Keyway with your address",
          paragraphs: [
            "Someone tried to create a Keyway account with this email address, which already has one.",
            "If it was you, sign in instead, or reset your password if you forgot it. If not, you can ignore this mail: nothing changed.",
          ],
          action: { label: "Reset my password", url: new URL("/forgot-password", publicUrl).toString() },
        });
        return { email };
      }
      try {
        const user = await db.user.create({ data: { email, name: input.name, passwordHash, ...withPersonalWorkspace() }, select: { id: true } });
        await writeAudit(db, actorOf(user.id), { action: "account.sign_up", targetUserId: user.id });
        await sendVerification(user.id, email, false);
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error; // a parallel sign-up won
      }
      return { email };
    },

    /** Mails a fresh verification link to the user's address (the caller throttles). */
    async resendVerification(userId: string): Promise<{ email: string } | null> {
      const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, emailVerified: true } });
      if (user.emailVerified) return null;
      await sendVerification(userId, user.email, false);
      return { email: user.email };
    },

    /**
     * Opens a mailed verification link: marks the address verified, or, for a link sent to a new
     * address, makes it the account's address (and tells the old one).
     */
    async verifyEmail(token: string, client?: { ip: string | null; userAgent: string | null }): Promise<{ email: string; changed: boolean }> {
      const row = await consume(token, "verify_email");
      if (!row) throw new DomainError("INVALID_TOKEN", "This link has expired or was already used. Ask for a new one.");
      const user = await db.user.findUniqueOrThrow({ where: { id: row.userId }, select: { email: true } });
      if (row.email === user.email) {
        await db.$transaction(async (tx) => {
          await tx.user.update({ where: { id: row.userId }, data: { emailVerified: new Date(clock()) } });
          await writeAudit(tx, actorOf(row.userId, client), { action: "account.email_verified", targetUserId: row.userId, after: { email: row.email } });
        });
        return { email: row.email, changed: false };
      }
      try {
        await db.$transaction(async (tx) => {
          await tx.user.update({ where: { id: row.userId }, data: { email: row.email, emailVerified: new Date(clock()) } });
          await writeAudit(tx, actorOf(row.userId, client), { action: "account.email_change", targetUserId: row.userId, before: { email: user.email }, after: { email: row.email } });
        });
      } catch (error) {
        if ((error as { code?: string }).code === "P2002") throw new DomainError("EMAIL_TAKEN", "Another account now uses this address.");
        throw error;
      }
      await mail.send({
        to: user.email,
        subject: "Your Keyway email address was changed",
        paragraphs: [`Your Keyway account now uses ${row.email}. Mail about it goes there from now on.`, "If you did not do this, reset your password at once and contact your Keyway administrator."],
      });
      return { email: row.email, changed: true };
    },

    /** Starts an email change: a link to the new address (same answer if it is taken), a notice to the old one. */
    async requestEmailChange(userId: string, newEmail: string, password: string | null): Promise<{ email: string }> {
      const email = normal(newEmail);
      const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, passwordHash: true } });
      if (user.passwordHash && !(await verifyPassword(password ?? "", user.passwordHash))) {
        throw new DomainError("WRONG_PASSWORD", "That is not your current password.");
      }
      if (email === user.email) throw new DomainError("INVALID_INPUT", "That is already your email address.");
      const taken = await db.user.findUnique({ where: { email }, select: { id: true } });
      if (!taken) await sendVerification(userId, email, true);
      await mail.send({
        to: user.email,
        subject: "A change of your Keyway email address was requested",
        paragraphs: [`Someone signed in to your Keyway account asked to use ${email} instead of this address. Nothing changes until the link sent there is opened.`, "If this was not you, change your password now."],
      });
      return { email };
    },

    /** Mails a reset link when the address has an account; the same answer either way. */
    async requestPasswordReset(emailInput: string): Promise<void> {
      const email = normal(emailInput);
      const user = await db.user.findUnique({ where: { email }, select: { id: true, disabled: true } });
      if (!user || user.disabled) return;
      const token = await issue(user.id, "reset_password", email, RESET_PASSWORD_TTL_MS);
      await mail.send({
        to: email,
        subject: "Reset your Keyway password",
        paragraphs: ["Someone (we hope you) asked to reset the password of your Keyway account.", "The link works once, for 30 minutes. If you did not ask for it, ignore this mail: your password stays as it is."],
        action: { label: "Choose a new password", url: link("/reset-password", token) },
      });
    },

    /** Sets a new password from a reset link; every session of the account ends. */
    async resetPassword(token: string, password: string, client?: { ip: string | null; userAgent: string | null }): Promise<{ email: string }> {
      const row = await consume(token, "reset_password");
      if (!row) throw new DomainError("INVALID_TOKEN", "This reset link has expired or was already used. Ask for a new one.");
      const passwordHash = await hashPassword(password);
      const user = await db.$transaction(async (tx) => {
        // Opening the mailed link proves the address too.
        const updated = await tx.user.update({ where: { id: row.userId }, data: { passwordHash, emailVerified: new Date(clock()) }, select: { email: true } });
        await tx.session.deleteMany({ where: { userId: row.userId } });
        await writeAudit(tx, actorOf(row.userId, client), { action: "account.password_reset", targetUserId: row.userId });
        return updated;
      });
      await mail.send({
        to: user.email,
        subject: "Your Keyway password was reset",
        paragraphs: ["The password of your Keyway account was just reset, and every browser signed in to it was signed out.", "If you did not do this, reset it again now and contact your Keyway administrator."],
      });
      return { email: user.email };
    },

    /** Needs the current password (when the account has one); ends every other session. */
    async changePassword(actor: Actor & { id: string }, current: string, next: string, keepSessionId: string): Promise<{ endedSessions: number }> {
      const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true, passwordHash: true } });
      if (user.passwordHash && !(await verifyPassword(current, user.passwordHash))) {
        throw new DomainError("WRONG_PASSWORD", "That is not your current password.");
      }
      const passwordHash = await hashPassword(next);
      const ended = await db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: actor.id }, data: { passwordHash } });
        const { count } = await tx.session.deleteMany({ where: { userId: actor.id, id: { not: keepSessionId } } });
        await writeAudit(tx, actor, { action: "account.password_change", targetUserId: actor.id, after: { endedSessions: count } });
        return count;
      });
      await mail.send({
        to: user.email,
        subject: "Your Keyway password was changed",
        paragraphs: ["The password of your Keyway account was just changed. Other browsers signed in to it were signed out.", "If you did not do this, reset your password now."],
        action: { label: "Reset my password", url: new URL("/forgot-password", publicUrl).toString() },
      });
      return { endedSessions: ended };
    },

    async rename(actor: Actor & { id: string }, name: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const before = await tx.user.findUniqueOrThrow({ where: { id: actor.id }, select: { name: true } });
        await tx.user.update({ where: { id: actor.id }, data: { name } });
        await writeAudit(tx, actor, { action: "account.rename", targetUserId: actor.id, before: { name: before.name }, after: { name } });
      });
    },

    /**
     * Deletes the account: its personal workspace's keys are revoked first (every cache is told at
     * once), then the user and their sessions go; the audit rows stay, and keys the user made in
     * teams stay with the teams. Refused for the last enabled admin and a team's only owner.
     */
    async deleteAccount(actor: Actor & { id: string }, password: string | null, confirmEmail: string): Promise<void> {
      const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true, passwordHash: true, role: true } });
      if (normal(confirmEmail) !== user.email) throw new DomainError("INVALID_INPUT", "Type your email address to confirm.");
      if (user.passwordHash && !(await verifyPassword(password ?? "", user.passwordHash))) {
        throw new DomainError("WRONG_PASSWORD", "That is not your current password.");
      }
      // Checked before anything changes, and again under the admins' lock where the row goes.
      if (user.role === "admin") await db.$transaction((tx) => assertAnotherAdmin(tx, actor.id));
      await assertNotSoleOwner(db, actor.id);
      const personal = await personalWorkspaceOf(db, actor.id);
      for (const key of await keys.list({ workspaceId: personal.id })) {
        if (key.status === "active") await keys.revoke(actor, key.id, personal.id);
      }
      await db.$transaction(async (tx) => {
        if (user.role === "admin") await assertAnotherAdmin(tx, actor.id);
        await assertNotSoleOwner(tx, actor.id);
        await writeAudit(tx, actor, { action: "account.delete", targetUserId: actor.id, before: { email: user.email, role: user.role } });
        // the personal workspace goes with its user (its keys, revoked above, with it)
        await tx.workspace.deleteMany({ where: { personal: true, members: { some: { userId: actor.id, role: "owner" } } } });
        await tx.user.delete({ where: { id: actor.id } });
      });
      await sessions.revokeAll(actor.id, null);
    },
  };
}
export type AccountService = ReturnType<typeof accountService>;
