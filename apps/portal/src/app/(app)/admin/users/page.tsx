import type { Metadata } from "next";
import { UsersView } from "./users-view";

export const metadata: Metadata = { title: "Admin · Users" };

export default function AdminUsersPage() {
  return <UsersView />;
}
