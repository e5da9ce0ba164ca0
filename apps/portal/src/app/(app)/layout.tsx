import type { ReactNode } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentWorkspace } from "~/server/workspace";
import { Header } from "~/components/header";
import { VerifyBanner } from "~/components/verify-banner";
import { WorkspaceProvider } from "~/components/workspace";

export const dynamic = "force-dynamic";

/**
 * Every signed-in page: the session is checked on the server, against the database, and the
 * workspace shown is the one the cookie names if the viewer is still a member (else their personal one).
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const signedIn = await currentWorkspace();
  if (!signedIn) {
    const here = (await headers()).get("x-pathname") ?? "/";
    redirect(here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`);
  }
  const { viewer, all: workspaces, current } = signedIn;
  return (
    <WorkspaceProvider current={current} all={workspaces}>
      <Header email={viewer.email} role={viewer.role} />
      {!viewer.emailVerified && <VerifyBanner email={viewer.email} />}
      {/* keyed by workspace: a switch starts each page afresh (no key picked in another workspace) */}
      <main key={current.id} id="content" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-8 outline-none">{children}</main>
    </WorkspaceProvider>
  );
}
