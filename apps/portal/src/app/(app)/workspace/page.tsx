import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { WorkspaceView } from "./workspace-view";

export const metadata: Metadata = { title: "Members" };

export default async function WorkspacePage() {
  const signedIn = await currentWorkspace();
  // Next renders the page alongside the layout: signed out, the layout redirects and this renders nothing
  if (!signedIn) return null;
  const { viewer, current } = signedIn;
  await prefetch(trpc.workspaces.get.queryOptions({ workspaceId: current.id }), trpc.workspaces.members.queryOptions({ workspaceId: current.id }));
  return <HydrateClient><WorkspaceView viewerId={viewer.id} /></HydrateClient>;
}
