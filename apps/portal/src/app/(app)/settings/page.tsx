import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { SettingsView } from "./settings-view";

export const metadata: Metadata = { title: "Account settings" };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ enrol?: string }> }) {
  const { enrol } = await searchParams;
  await prefetch(trpc.settings.get.queryOptions(), trpc.settings.sessions.list.queryOptions());
  return <HydrateClient><SettingsView adminMustEnrol={enrol === "admin"} /></HydrateClient>;
}
