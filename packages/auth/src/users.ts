import { DomainError, PERSONAL, withPersonalWorkspace, type Db } from "@keyway/db";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.ts";

export type PasswordCheck =
  | { ok: true; userId: string; twoFactor: boolean }
  | { ok: false; userId: string | null };

export function userService(db: Db) {
  return {
    /** Whether email and password match an enabled account (same cost either way); upgrades an old hash. */
    async checkPassword(email: string, password: string): Promise<PasswordCheck> {
      const user = await db.user.findUnique({
        where: { email: email.trim().toLowerCase() },
        select: { id: true, passwordHash: true, disabled: true, totpEnabledAt: true },
      });
      const ok = await verifyPassword(password, user?.passwordHash);
      if (!ok || !user || user.disabled) return { ok: false, userId: user?.id ?? null };
      if (needsRehash(user.passwordHash!)) {
        const passwordHash = await hashPassword(password);
        await db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
      }
      return { ok: true, userId: user.id, twoFactor: user.totpEnabledAt !== null };
    },

    /**
     * An account made by an operator (CLI, demo data, tests): its address counts as verified.
     * Refuses an address that already has an account, so whoever signed up first with it never
     * inherits what the operator meant for someone else.
     */
    async createWithPassword(input: { email: string; name: string | null; password: string | null; role: "developer" | "admin"; tier: string }) {
      const email = input.email.trim().toLowerCase();
      const passwordHash = input.password === null ? null : await hashPassword(input.password);
      try {
        return await db.user.create({
          data: { email, name: input.name, passwordHash, role: input.role, emailVerified: new Date(), ...withPersonalWorkspace(input.tier) },
          select: { id: true, email: true },
        });
      } catch (error) {
        if ((error as { code?: string }).code === "P2002") throw new DomainError("EMAIL_TAKEN", `an account with email ${email} already exists (use users:promote to make it an admin)`);
        throw error;
      }
    },

    /**
     * The user behind an OAuth/OIDC identity: the linked one, or a new developer when the email is
     * unused. Only an address the provider says it verified is taken. An email that already
     * belongs to another account is refused rather than linked, so a provider account can never
     * take over an existing Keyway account.
     */
    async signInWithProvider(input: { provider: string; providerAccountId: string; email: string | null | undefined; emailVerified: boolean; name: string | null | undefined }): Promise<
      { ok: true; userId: string } | { ok: false; reason: "no_email" | "email_unverified" | "email_in_use" | "disabled" }
    > {
      const link = { provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId } };
      const linked = await db.account.findUnique({ where: link, select: { user: { select: { id: true, disabled: true } } } });
      if (linked) return linked.user.disabled ? { ok: false, reason: "disabled" } : { ok: true, userId: linked.user.id };
      const email = input.email?.trim().toLowerCase();
      if (!email) return { ok: false, reason: "no_email" };
      if (!input.emailVerified) return { ok: false, reason: "email_unverified" };
      try {
        const user = await db.user.create({
          data: {
            email,
            name: input.name?.slice(0, 100) || null,
            emailVerified: new Date(),
            ...withPersonalWorkspace(),
            accounts: { create: { type: "oauth", provider: input.provider, providerAccountId: input.providerAccountId } },
          },
          select: { id: true },
        });
        return { ok: true, userId: user.id };
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error;
        // Either the email is taken, or a parallel first sign-in created the link a moment ago.
        const raced = await db.account.findUnique({ where: link, select: { userId: true } });
        return raced ? { ok: true, userId: raced.userId } : { ok: false, reason: "email_in_use" };
      }
    },

    async profile(userId: string) {
      return db.user.findUniqueOrThrow({
        where: { id: userId },
        select: {
          id: true,
          email: true,
          name: true,
          role: true,
          createdAt: true,
          emailVerified: true,
          totpEnabledAt: true,
          passwordHash: true,
          accounts: { select: { provider: true } },
          memberships: {
            where: PERSONAL,
            take: 1,
            select: { workspace: { select: { id: true, name: true, tier: { select: { name: true, description: true, perMinute: true, perHour: true, perDay: true, perMonth: true } } } } },
          },
        },
      }).then(({ passwordHash, accounts, memberships, ...user }) => {
        // every user has a personal workspace, made with the user
        const { tier, ...workspace } = memberships[0]!.workspace;
        return { ...user, hasPassword: passwordHash !== null, providers: accounts.map((a) => a.provider), workspace, tier };
      });
    },
  };
}
export type UserService = ReturnType<typeof userService>;
