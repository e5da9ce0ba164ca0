import type { Db } from "@keyway/db";
import { hashPassword, verifyPassword } from "./passwords.ts";

export function userService(db: Db) {
  return {
    /** The user id when email and password match an enabled account; null otherwise (same cost either way). */
    async checkPassword(email: string, password: string): Promise<string | null> {
      const user = await db.user.findUnique({
        where: { email: email.trim().toLowerCase() },
        select: { id: true, passwordHash: true, disabled: true },
      });
      const ok = await verifyPassword(password, user?.passwordHash);
      return ok && user && !user.disabled ? user.id : null;
    },
    async upsertWithPassword(input: { email: string; name: string; password: string; role: "developer" | "admin"; tier: string }) {
      const email = input.email.trim().toLowerCase();
      const passwordHash = await hashPassword(input.password);
      return db.user.upsert({
        where: { email },
        create: { email, name: input.name, passwordHash, role: input.role, tierName: input.tier },
        update: { name: input.name, passwordHash, role: input.role, tierName: input.tier, disabled: false },
        select: { id: true, email: true },
      });
    },
    /** A new developer on the free tier; null when the email is taken. */
    async register(input: { email: string; name: string; password: string }) {
      const email = input.email.trim().toLowerCase();
      const passwordHash = await hashPassword(input.password);
      try {
        return await db.user.create({ data: { email, name: input.name, passwordHash }, select: { id: true, email: true } });
      } catch (error) {
        if ((error as { code?: string }).code === "P2002") return null;
        throw error;
      }
    },
    /**
     * The user behind an OAuth/OIDC identity: the linked one, or a new developer when the email is
     * unused. An email that already belongs to another account is refused rather than linked, so a
     * provider account can never take over an existing Keyway account.
     */
    async signInWithProvider(input: { provider: string; providerAccountId: string; email: string | null | undefined; name: string | null | undefined }): Promise<
      { ok: true; userId: string } | { ok: false; reason: "no_email" | "email_in_use" | "disabled" }
    > {
      const link = { provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId } };
      const linked = await db.account.findUnique({ where: link, select: { user: { select: { id: true, disabled: true } } } });
      if (linked) return linked.user.disabled ? { ok: false, reason: "disabled" } : { ok: true, userId: linked.user.id };
      const email = input.email?.trim().toLowerCase();
      if (!email) return { ok: false, reason: "no_email" };
      try {
        const user = await db.user.create({
          data: {
            email,
            name: input.name?.slice(0, 100) || null,
            emailVerified: new Date(),
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
          tier: { select: { name: true, description: true, perMinute: true, perHour: true, perDay: true, perMonth: true } },
        },
      });
    },
  };
}
export type UserService = ReturnType<typeof userService>;
