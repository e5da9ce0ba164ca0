import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { WorkspacesView } from "./workspaces-view";

export const metadata: Metadata = { title: "Admin · Workspaces" };

export default async function AdminWorkspacesPage() {
  await prefetch(trpc.admin.workspaces.list.queryOptions({ page: 0 }), trpc.admin.tiers.list.queryOptions());
  return <HydrateClient><WorkspacesView /></HydrateClient>;
}
