import type { ReactNode } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";
import { Header } from "~/components/header";
import { VerifyBanner } from "~/components/verify-banner";
import { WorkspaceProvider } from "~/components/workspace";
import { WORKSPACE_COOKIE } from "~/lib/workspace-cookie";

export const dynamic = "force-dynamic";

/**
 * Every signed-in page: the session is checked on the server, against the database, and the
 * workspace shown is the one the cookie names if the viewer is still a member (else their personal one).
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) {
    const here = (await headers()).get("x-pathname") ?? "/";
    redirect(here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`);
  }
  const workspaces = await getServices().workspaces.listFor(viewer.id);
  const chosen = (await cookies()).get(WORKSPACE_COOKIE)?.value;
  const current = workspaces.find((w) => w.id === chosen) ?? workspaces.find((w) => w.personal) ?? workspaces[0]!;
  return (
    <WorkspaceProvider current={current} all={workspaces}>
      <Header email={viewer.email} role={viewer.role} />
      {!viewer.emailVerified && <VerifyBanner email={viewer.email} />}
      {/* keyed by workspace: a switch starts each page afresh (no key picked in another workspace) */}
      <main key={current.id} id="content" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-8 outline-none">{children}</main>
    </WorkspaceProvider>
  );
}
