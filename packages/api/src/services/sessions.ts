// Server-side sessions: the browser's cookie carries only a random session id; the row in
// PostgreSQL is the truth. Deleting the row signs the browser out everywhere, at once, and the
// user's role, tier and disabled flag are read on every request.
import { randomBytes } from "node:crypto";
import type { Db } from "@keyway/db";

export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

export interface Viewer {
  id: string;
  email: string;
  name: string | null;
  role: "developer" | "admin";
  tier: string;
}

export function sessionService(db: Db) {
  return {
    async open(userId: string): Promise<string> {
      const sessionToken = randomBytes(32).toString("base64url");
      await db.session.create({
        data: { sessionToken, userId, expires: new Date(Date.now() + SESSION_MAX_AGE_S * 1000) },
      });
      return sessionToken;
    },
    /** The signed-in user behind a session id, or null when the session ended or the user is disabled. */
    async resolve(sessionToken: string | undefined | null): Promise<Viewer | null> {
      if (!sessionToken) return null;
      const row = await db.session.findUnique({
        where: { sessionToken },
        select: {
          expires: true,
          user: { select: { id: true, email: true, name: true, role: true, tierName: true, disabled: true } },
        },
      });
      if (!row || row.expires.getTime() <= Date.now() || row.user.disabled) return null;
      const { id, email, name, role, tierName } = row.user;
      return { id, email, name, role, tier: tierName };
    },
    async close(sessionToken: string | undefined | null): Promise<void> {
      if (sessionToken) await db.session.deleteMany({ where: { sessionToken } });
    },
  };
}
export type SessionService = ReturnType<typeof sessionService>;
