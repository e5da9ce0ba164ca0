import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { KeysView } from "./keys-view";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage() {
  const signedIn = await currentWorkspace();
  // Next renders the page alongside the layout: signed out, the layout redirects and this renders nothing
  if (!signedIn) return null;
  const { current } = signedIn;
  await prefetch(trpc.keys.list.queryOptions({ workspaceId: current.id }));
  return <HydrateClient><KeysView /></HydrateClient>;
}
