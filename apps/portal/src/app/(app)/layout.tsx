import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { Header } from "~/components/header";

export const dynamic = "force-dynamic";

/** Every signed-in page: the session is checked on the server, against the database. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect("/sign-in");
  return (
    <>
      <Header email={viewer.email} role={viewer.role} />
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </>
  );
}
