import type { ReactNode } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { Header } from "~/components/header";
import { VerifyBanner } from "~/components/verify-banner";

export const dynamic = "force-dynamic";

/** Every signed-in page: the session is checked on the server, against the database. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) {
    const here = (await headers()).get("x-pathname") ?? "/";
    redirect(here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`);
  }
  return (
    <>
      <Header email={viewer.email} role={viewer.role} />
      {!viewer.emailVerified && <VerifyBanner email={viewer.email} />}
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </>
  );
}
