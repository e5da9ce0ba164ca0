import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { UsersView } from "./users-view";

export const metadata: Metadata = { title: "Admin · Users" };

export default async function AdminUsersPage() {
  await prefetch(trpc.admin.users.list.queryOptions({ page: 0 }));
  return <HydrateClient><UsersView /></HydrateClient>;
}
