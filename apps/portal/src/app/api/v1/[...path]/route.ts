import { peerSignature, PEER_HEADER, PEER_SIGNATURE_HEADER } from "@keyway/core";
import { clientOf } from "@keyway/auth";
import { getServices } from "@keyway/server";

export const dynamic = "force-dynamic";

/** Hop-by-hop headers (RFC 9110 7.6.1) and the ones fetch sets itself: never forwarded. */
const DROP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length", "te", "trailer", "proxy-connection"]);

/**
 * The public API answers on the portal's address too: forwarded as it is to the gateway, which is
 * the one process that serves it (and hosts the usage flusher). A gateway that cannot be reached
 * is a 503 with the API's own error shape.
 */
async function route(request: Request): Promise<Response> {
  const { config } = getServices();
  const target = new URL(new URL(request.url).pathname + new URL(request.url).search, config.GATEWAY_URL ?? `http://127.0.0.1:${config.API_PORT}`);
  const headers = new Headers([...request.headers].filter(([name]) => !DROP.has(name)));
  // the client as the portal saw it, signed, so the gateway records that address and not the portal's
  const client = clientOf((name) => request.headers.get(name), config.TRUSTED_PROXY_HOPS);
  headers.delete(PEER_HEADER);
  headers.delete(PEER_SIGNATURE_HEADER);
  if (client) {
    headers.set(PEER_HEADER, client);
    headers.set(PEER_SIGNATURE_HEADER, peerSignature(config.AUTH_SECRET, client));
  }
  try {
    const answer = await fetch(target, {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer(),
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    const out = new Headers([...answer.headers].filter(([name]) => !DROP.has(name) && name !== "content-encoding"));
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: out });
  } catch {
    return Response.json(
      { error: { code: "SERVICE_UNAVAILABLE", message: "The API gateway cannot be reached right now; try again shortly." } },
      { status: 503, headers: { "Retry-After": "1" } },
    );
  }
}

export { route as GET, route as POST, route as PUT, route as PATCH, route as DELETE };
