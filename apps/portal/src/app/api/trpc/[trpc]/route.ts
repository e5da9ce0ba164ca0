import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createContextInner } from "@keyway/api";
import { clientOf } from "@keyway/auth";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";

export const dynamic = "force-dynamic";

/** The largest body tRPC reads, and the most calls in one batch: anything over is refused before parsing. */
const MAX_BODY_BYTES = 64 * 1024;
const MAX_BATCH = 10;

const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });

/** Mutations must come from our own origin as JSON: a cross-site form post never reaches a procedure. */
function crossSite(req: Request): boolean {
  if (req.method !== "POST") return false;
  const origin = req.headers.get("origin");
  const expected = new URL(getServices().config.PUBLIC_URL).origin;
  const sameOrigin = origin === null ? req.headers.get("sec-fetch-site") === "same-origin" : origin === expected || origin === new URL(req.url).origin;
  const json = (req.headers.get("content-type") ?? "").startsWith("application/json");
  return !sameOrigin || !json;
}

/** The body, read up to the cap and no further; null when it is larger. */
async function boundedBody(req: Request): Promise<Uint8Array<ArrayBuffer> | null> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return null;
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const handler = async (req: Request) => {
  if (crossSite(req)) return refuse(403, "CROSS_SITE_REQUEST", "Cross-site or non-JSON mutation refused.");
  // "/api/trpc/a,b,c?batch=1": one procedure name per call.
  const procedures = new URL(req.url).pathname.replace(/^\/api\/trpc\/?/, "");
  if (procedures.split(",").length > MAX_BATCH) return refuse(400, "BATCH_TOO_LARGE", `At most ${MAX_BATCH} calls in one batch.`);
  let body: Uint8Array<ArrayBuffer> | null = null;
  if (req.method === "POST") {
    body = await boundedBody(req);
    if (body === null) return refuse(413, "BODY_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  let viewer: Awaited<ReturnType<typeof getViewer>>;
  try {
    viewer = await getViewer();
  } catch {
    return refuse(503, "SERVICE_UNAVAILABLE", "Keyway cannot reach its database right now. Try again in a moment.", { "Retry-After": "5" });
  }
  const services = getServices();
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: body === null ? req : new Request(req.url, { method: req.method, headers: req.headers, body }),
    router: appRouter,
    createContext: async () =>
      createContextInner({
        services,
        viewer,
        client: { ip: clientOf((name) => req.headers.get(name), services.config.TRUSTED_PROXY_HOPS), userAgent: req.headers.get("user-agent")?.slice(0, 256) ?? null },
      }),
  });
  response.headers.set("cache-control", "no-store");
  return response;
};

export { handler as GET, handler as POST };
