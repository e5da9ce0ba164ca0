import type { Metadata } from "next";
import { WorkspacesView } from "./workspaces-view";

export const metadata: Metadata = { title: "Admin · Workspaces" };

export default function AdminWorkspacesPage() {
  return <WorkspacesView />;
}
