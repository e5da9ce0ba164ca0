"use client";
// The workspace the portal is showing, chosen in the header and remembered in a cookie. The server
// layout reads the cookie and the memberships; every page takes the id from here and passes it to
// its tRPC calls, which check the role again on the server.
import { createContext, useContext, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { WORKSPACE_COOKIE } from "~/lib/workspace-cookie";

export type WorkspaceRole = "owner" | "admin" | "developer" | "viewer";
export interface WorkspaceChoice {
  id: string;
  name: string;
  personal: boolean;
  role: WorkspaceRole;
  tierName: string;
  members: number;
}


const RANK: Record<WorkspaceRole, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };
/** Whether a role may do what `minimum` may (the server decides; this only hides what it would refuse). */
export const can = (role: WorkspaceRole, minimum: WorkspaceRole) => RANK[role] >= RANK[minimum];

export const ROLE_LABEL: Record<WorkspaceRole, string> = { owner: "Owner", admin: "Admin", developer: "Developer", viewer: "Viewer" };

const Context = createContext<{ current: WorkspaceChoice; all: WorkspaceChoice[] } | null>(null);

export function WorkspaceProvider({ current, all, children }: { current: WorkspaceChoice; all: WorkspaceChoice[]; children: ReactNode }) {
  return <Context.Provider value={{ current, all }}>{children}</Context.Provider>;
}

export function useWorkspace() {
  const value = useContext(Context);
  if (!value) throw new Error("useWorkspace outside WorkspaceProvider");
  return value;
}

/**
 * Switches the portal to another workspace ("" = the personal one): the cookie, then the server
 * renders the layout with it, here or at `then` (a full load there, as the layout must run again).
 */
export function useSwitchWorkspace() {
  const router = useRouter();
  return (id: string, then?: string) => {
    document.cookie = `${WORKSPACE_COOKIE}=${encodeURIComponent(id)}; path=/; max-age=31536000; samesite=lax${location.protocol === "https:" ? "; secure" : ""}`;
    if (then) window.location.assign(then);
    else router.refresh();
  };
}
