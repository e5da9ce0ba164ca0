import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { AdminOverview } from "./overview-view";

export const metadata: Metadata = { title: "Admin · Overview" };

// (for a non-admin the prefetch is refused, and the layout shows "Admins only" instead)
export default async function AdminOverviewPage() {
  await prefetch(trpc.admin.overview.queryOptions({ range: "day" }));
  return <HydrateClient><AdminOverview /></HydrateClient>;
}
