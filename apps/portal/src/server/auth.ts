import "server-only";
import { getServerSession } from "next-auth";
import { buildAuthOptions } from "@keyway/api/auth";
import { getServices } from "@keyway/api/server";
import type { Viewer } from "@keyway/api";

let options: ReturnType<typeof buildAuthOptions> | undefined;
export function authOptions() {
  options ??= buildAuthOptions(getServices());
  return options;
}

/** The signed-in user for this request, read from the database; null when signed out. */
export async function getViewer(): Promise<Viewer | null> {
  const session = await getServerSession(authOptions());
  return session?.viewer ?? null;
}
