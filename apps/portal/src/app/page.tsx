import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { Header } from "~/components/header";
import { HomeOverview } from "./home-overview";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const viewer = await getViewer();
  if (!viewer) redirect("/sign-in");
  return (
    <>
      <Header email={viewer.email} role={viewer.role} />
      <main className="mx-auto max-w-5xl px-4 py-8">
        <HomeOverview />
      </main>
    </>
  );
}
