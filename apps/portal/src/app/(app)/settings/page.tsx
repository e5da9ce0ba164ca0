import type { Metadata } from "next";
import { SettingsView } from "./settings-view";

export const metadata: Metadata = { title: "Account settings" };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ enrol?: string }> }) {
  const { enrol } = await searchParams;
  return <SettingsView adminMustEnrol={enrol === "admin"} />;
}
