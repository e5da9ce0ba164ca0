import type { Metadata } from "next";
import { getViewer } from "~/server/auth";
import { WorkspaceView } from "./workspace-view";

export const metadata: Metadata = { title: "Members" };

export default async function WorkspacePage() {
  // the layout has checked the session already
  const viewer = (await getViewer())!;
  return <WorkspaceView viewerId={viewer.id} />;
}
