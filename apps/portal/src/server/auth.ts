import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { buildAuthOptions } from "@keyway/api/auth";
import { getServices } from "@keyway/api/server";
import type { Viewer } from "@keyway/api";

let options: ReturnType<typeof buildAuthOptions> | undefined;
export function authOptions() {
  options ??= buildAuthOptions(getServices());
  return options;
}

/** Auth.js's cookie: the secure name on https deployments, the plain one on http. */
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/**
 * The signed-in user for this request, read from the database; null when signed out. The cookie
 * is decoded here rather than through getServerSession, so a database that cannot be reached
 * is an error (the error page says so) instead of a silent sign-out: Auth.js treats any error in
 * its session callback as an invalid session and clears the cookie.
 */
export async function getViewer(): Promise<Viewer | null> {
  const jar = await cookies();
  const token = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  if (!token) return null;
  const services = getServices();
  const jwt = await decode({ token, secret: services.config.AUTH_SECRET }).catch(() => null);
  return services.sessions.resolve(jwt?.sid);
}
