import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { UsageView } from "./usage-view";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage() {
  const { current } = (await currentWorkspace())!;
  const workspaceId = current.id;
  await prefetch(trpc.keys.list.queryOptions({ workspaceId }), trpc.usage.series.queryOptions({ workspaceId, range: "hour" }));
  return <HydrateClient><UsageView /></HydrateClient>;
}
