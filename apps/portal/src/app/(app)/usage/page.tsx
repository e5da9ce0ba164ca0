import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { UsageView } from "./usage-view";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage() {
  const signedIn = await currentWorkspace();
  // Next renders the page alongside the layout: signed out, the layout redirects and this renders nothing
  if (!signedIn) return null;
  const { current } = signedIn;
  const workspaceId = current.id;
  await prefetch(trpc.keys.list.queryOptions({ workspaceId }), trpc.usage.series.queryOptions({ workspaceId, range: "hour" }));
  return <HydrateClient><UsageView /></HydrateClient>;
}
