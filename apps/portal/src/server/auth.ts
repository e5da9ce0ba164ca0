import "server-only";
import { cookies } from "next/headers";
import { sessionCookieName, viewerFromCookie } from "@keyway/auth/next";
import { getServices } from "@keyway/server";
import type { Viewer } from "@keyway/auth";

/**
 * The signed-in user for this request, read from the database; null when signed out. Only the
 * cookie name this deployment sets is read (the __Secure- one over https). The cookie is decoded
 * here rather than through getServerSession, so a database that cannot be reached is an error
 * (the error page says so) instead of a silent sign-out: Auth.js treats any error in its session
 * callback as an invalid session and clears the cookie.
 */
export async function getViewer(): Promise<Viewer | null> {
  const services = getServices();
  return viewerFromCookie(services, (await cookies()).get(sessionCookieName(services.config))?.value);
}
