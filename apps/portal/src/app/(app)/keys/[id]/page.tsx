import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { KeyDetail } from "./key-detail";

export const metadata: Metadata = { title: "API key" };

export default async function KeyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const signedIn = await currentWorkspace();
  // Next renders the page alongside the layout: signed out, the layout redirects and this renders nothing
  if (!signedIn) return null;
  const { current } = signedIn;
  const workspaceId = current.id;
  await prefetch(
    trpc.keys.get.queryOptions({ workspaceId, id }),
    trpc.workspaces.get.queryOptions({ workspaceId }),
    trpc.usage.quota.queryOptions({ workspaceId, keyId: id }),
    trpc.usage.series.queryOptions({ workspaceId, range: "day", keyId: id }),
    trpc.keys.recent.queryOptions({ workspaceId, id }),
  );
  return <HydrateClient><KeyDetail id={id} /></HydrateClient>;
}
