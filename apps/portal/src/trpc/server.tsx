import "server-only";
// tRPC on the server, for server components: the same procedures as /api/trpc, called in-process
// with this request's viewer, to prefetch a page's queries so it renders with its data on first
// paint; <HydrateClient> hands them to the browser's cache.
import { dehydrate, HydrationBoundary, type FetchQueryOptions } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { appRouter, createContextInner, type AppRouter } from "@keyway/api";
import { clientOf } from "@keyway/auth";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";
import { makeQueryClient } from "./query-client";

/** One query client per request (React's cache lasts one server render). */
export const getQueryClient = cache(makeQueryClient);

const context = cache(async () => {
  const services = getServices();
  const h = await headers();
  return createContextInner({
    services,
    viewer: await getViewer(),
    client: { ip: clientOf((name) => h.get(name), services.config.TRUSTED_PROXY_HOPS), userAgent: h.get("user-agent")?.slice(0, 256) ?? null },
  });
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ ctx: context, router: appRouter, queryClient: getQueryClient });

/**
 * Runs these queries now, on the server. A failure is left for the browser, which asks again and
 * shows the page's own error state: a prefetch never breaks the page.
 */
export async function prefetch(...queries: FetchQueryOptions<any, any, any, any>[]): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  await Promise.all(queries.map((q) => getQueryClient().prefetchQuery(q)));
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
