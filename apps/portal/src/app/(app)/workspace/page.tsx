import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { WorkspaceView } from "./workspace-view";

export const metadata: Metadata = { title: "Members" };

export default async function WorkspacePage() {
  // the layout has checked the session already
  const { viewer, current } = (await currentWorkspace())!;
  await prefetch(trpc.workspaces.get.queryOptions({ workspaceId: current.id }), trpc.workspaces.members.queryOptions({ workspaceId: current.id }));
  return <HydrateClient><WorkspaceView viewerId={viewer.id} /></HydrateClient>;
}
