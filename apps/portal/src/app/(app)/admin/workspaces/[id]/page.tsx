import type { Metadata } from "next";
import { WorkspaceDetail } from "./workspace-detail";

export const metadata: Metadata = { title: "Admin · Workspace" };

export default async function AdminWorkspacePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WorkspaceDetail workspaceId={id} />;
}
