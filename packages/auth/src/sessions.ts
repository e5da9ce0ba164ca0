// Server-side sessions: the browser's cookie carries only a random session id; the row in
// PostgreSQL is the truth. Deleting the row signs that browser out at once, and the user's role,
// tier and disabled flag are read on every request. A session ends after 7 idle days or 30 days
// in all; ended rows are purged as new ones open.
import { randomBytes } from "node:crypto";
import Bowser from "bowser";
import { personalPlanSelect, personalTier, type Db } from "@keyway/db";

export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
export const SESSION_IDLE_S = 7 * 24 * 3600;
/** lastSeenAt is written at most this often per session: one UPDATE per page view would be waste. */
const TOUCH_EVERY_MS = 5 * 60_000;

export interface Viewer {
  id: string;
  email: string;
  name: string | null;
  role: "developer" | "admin";
  tier: string;
  emailVerified: boolean;
  /** A second factor is enrolled. */
  twoFactor: boolean;
  /** The id of this browser's session row (never the cookie's token). */
  sessionId: string;
}

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

/** "Chrome 131 on macOS" from a User-Agent, for the session list. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const ua = Bowser.parse(userAgent);
  const browser = [ua.browser.name, ua.browser.version?.split(".")[0]].filter(Boolean).join(" ");
  const os = ua.os.name;
  if (!browser && !os) return userAgent.slice(0, 60);
  return os ? `${browser || "Browser"} on ${os}` : browser;
}

export function sessionService(db: Db, clock: () => number = Date.now) {
  const idleCutoff = () => new Date(clock() - SESSION_IDLE_S * 1000);
  return {
    async open(userId: string, client: Client = { ip: null, userAgent: null }): Promise<string> {
      const sessionToken = randomBytes(32).toString("base64url");
      const now = clock();
      await db.session.deleteMany({ where: { OR: [{ expires: { lte: new Date(now) } }, { lastSeenAt: { lte: idleCutoff() } }] } });
      await db.session.create({
        data: {
          sessionToken,
          userId,
          expires: new Date(now + SESSION_MAX_AGE_S * 1000),
          lastSeenAt: new Date(now),
          ip: client.ip?.slice(0, 64) ?? null,
          userAgent: client.userAgent?.slice(0, 256) ?? null,
        },
      });
      return sessionToken;
    },

    /** The signed-in user behind a session id, or null when the session ended or the user is disabled. */
    async resolve(sessionToken: string | undefined | null): Promise<Viewer | null> {
      if (!sessionToken || sessionToken.length > 100) return null;
      const row = await db.session.findUnique({
        where: { sessionToken },
        select: {
          id: true,
          expires: true,
          lastSeenAt: true,
          user: {
            select: {
              id: true, email: true, name: true, role: true, disabled: true, emailVerified: true, totpEnabledAt: true,
              // the plan shown as the user's own: their personal workspace's
              memberships: personalPlanSelect,
            },
          },
        },
      });
      const now = clock();
      if (!row || row.expires.getTime() <= now || row.lastSeenAt.getTime() <= now - SESSION_IDLE_S * 1000 || row.user.disabled) return null;
      if (row.lastSeenAt.getTime() < now - TOUCH_EVERY_MS) {
        await db.session.updateMany({ where: { id: row.id }, data: { lastSeenAt: new Date(now) } });
      }
      const { id, email, name, role, memberships, emailVerified, totpEnabledAt } = row.user;
      return { id, email, name, role, tier: personalTier({ memberships }), emailVerified: emailVerified !== null, twoFactor: totpEnabledAt !== null, sessionId: row.id };
    },

    async close(sessionToken: string | undefined | null): Promise<void> {
      if (sessionToken) await db.session.deleteMany({ where: { sessionToken } });
    },

    /** The user's signed-in browsers, most recently seen first. */
    async list(userId: string) {
      const rows = await db.session.findMany({
        where: { userId, expires: { gt: new Date(clock()) }, lastSeenAt: { gt: idleCutoff() } },
        orderBy: { lastSeenAt: "desc" },
        select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
        take: 100,
      });
      return rows.map(({ userAgent, ...r }) => ({ ...r, device: describeDevice(userAgent) }));
    },

    /** Ends one of the user's sessions; false when it is not theirs (or already ended). */
    async revoke(userId: string, sessionId: string): Promise<boolean> {
      const { count } = await db.session.deleteMany({ where: { id: sessionId, userId } });
      return count > 0;
    },

    /** Ends every session of the user except `keepSessionId` (all of them when it is null); how many ended. */
    async revokeAll(userId: string, keepSessionId: string | null): Promise<number> {
      const { count } = await db.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
      return count;
    },
  };
}
export type SessionService = ReturnType<typeof sessionService>;
