import type { Metadata } from "next";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { PermissionsView } from "./permissions-view";

export const metadata: Metadata = { title: "Admin · Permissions" };

export default async function AdminPermissionsPage() {
  await Promise.all([prefetch(trpc.admin.permissions.list.queryOptions()), prefetch(trpc.admin.roles.list.queryOptions())]);
  return <HydrateClient><PermissionsView /></HydrateClient>;
}
