import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { TokensView } from "./tokens-view";

export const metadata: Metadata = { title: "Admin · Service tokens" };

export default async function AdminTokensPage() {
  await prefetch(trpc.admin.tokens.list.queryOptions());
  return <HydrateClient><TokensView /></HydrateClient>;
}
