import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, clientAddress, createContextInner } from "@keyway/api";
import { getServices } from "@keyway/api/server";
import { getViewer } from "~/server/auth";

export const dynamic = "force-dynamic";

/** Mutations must come from our own origin as JSON: a cross-site form post never reaches a procedure. */
function crossSite(req: Request): boolean {
  if (req.method !== "POST") return false;
  const origin = req.headers.get("origin");
  const expected = new URL(getServices().config.PUBLIC_URL).origin;
  const sameOrigin = origin === null ? req.headers.get("sec-fetch-site") === "same-origin" : origin === expected || origin === new URL(req.url).origin;
  const json = (req.headers.get("content-type") ?? "").startsWith("application/json");
  return !sameOrigin || !json;
}

const handler = async (req: Request) => {
  if (crossSite(req)) {
    return Response.json(
      { error: { code: "CROSS_SITE_REQUEST", message: "Cross-site or non-JSON mutation refused." } },
      { status: 403 },
    );
  }
  let viewer: Awaited<ReturnType<typeof getViewer>>;
  try {
    viewer = await getViewer();
  } catch {
    return Response.json(
      { error: { code: "SERVICE_UNAVAILABLE", message: "Keyway cannot reach its database right now. Try again in a moment." } },
      { status: 503, headers: { "Retry-After": "5" } },
    );
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createContextInner({
        services: getServices(),
        viewer,
        client: { ip: clientAddress((name) => req.headers.get(name)), userAgent: req.headers.get("user-agent")?.slice(0, 256) ?? null },
      }),
  });
};

export { handler as GET, handler as POST };
