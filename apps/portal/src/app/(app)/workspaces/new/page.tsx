import type { Metadata } from "next";
import { NewWorkspaceForm } from "./new-workspace-form";

export const metadata: Metadata = { title: "Create a team" };

export default function NewWorkspacePage() {
  return <NewWorkspaceForm />;
}
