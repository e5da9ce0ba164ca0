import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { currentWorkspace } from "~/server/workspace";
import { HomeOverview } from "./home-overview";

export default async function HomePage() {
  const signedIn = await currentWorkspace();
  // Next renders the page alongside the layout: signed out, the layout redirects and this renders nothing
  if (!signedIn) return null;
  const { current } = signedIn;
  const workspaceId = current.id;
  await prefetch(
    trpc.me.get.queryOptions(),
    trpc.workspaces.get.queryOptions({ workspaceId }),
    trpc.invitations.mine.queryOptions(),
    trpc.usage.series.queryOptions({ workspaceId, range: "day" }),
    trpc.usage.workspaceQuota.queryOptions({ workspaceId }),
    trpc.keys.list.queryOptions({ workspaceId }),
    trpc.workspaces.activity.queryOptions({ workspaceId }),
  );
  return <HydrateClient><HomeOverview /></HydrateClient>;
}
