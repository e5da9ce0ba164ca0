import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { TiersView } from "./tiers-view";

export const metadata: Metadata = { title: "Admin · Tiers" };

export default async function AdminTiersPage() {
  await prefetch(trpc.admin.tiers.list.queryOptions());
  return <HydrateClient><TiersView /></HydrateClient>;
}
