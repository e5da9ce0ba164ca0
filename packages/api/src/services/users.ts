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
