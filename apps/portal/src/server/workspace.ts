import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { getServices } from "@keyway/server";
import { WORKSPACE_COOKIE } from "~/lib/workspace-cookie";
import { getViewer } from "./auth";

/**
 * The viewer's workspaces and the one the portal shows: the one the cookie names while the viewer
 * is still a member, else their personal one. Null when signed out. Once per request (the layout
 * and the page both ask).
 */
export const currentWorkspace = cache(async () => {
  const viewer = await getViewer();
  if (!viewer) return null;
  const all = await getServices().workspaces.listFor(viewer.id);
  const chosen = (await cookies()).get(WORKSPACE_COOKIE)?.value;
  const current = all.find((w) => w.id === chosen) ?? all.find((w) => w.personal) ?? all[0]!;
  return { viewer, all, current };
});
