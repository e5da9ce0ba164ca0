// @keyway/sdk: protect an HTTP handler with a Keyway API key. Uses the Fetch API; its only
// dependency is the wire contract (@keyway/protocol), shared with the server.
//
//   const keyway = remoteKeyway({ baseUrl: "https://keys.example.com", serviceToken: process.env.KEYWAY_SERVICE_TOKEN });
//   export const GET = withKeyway(keyway, async (request, key) => Response.json({ hello: key.keyId }));
//
// The request's key is read from `Authorization: Bearer <key>` or `X-API-Key: <key>` (never the URL).
// Refusals come back as 401 / 403 / 429 / 503 with a stable error code; allowed responses carry the
// rate-limit headers, and their outcome (status < 400 or not) is recorded for the usage charts.

import { guard, type Keyway, type VerifiedKey, type VerifyResponse } from "@keyway/protocol";

export { guard, keyFromHeaders, refusal, badRequest, MAX_COST, MAX_KEY_LENGTH } from "@keyway/protocol";
export type { Keyway, RequestContext, VerifiedKey, VerifyCode, VerifyResponse } from "@keyway/protocol";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/**
 * Wraps a fetch-style handler: only requests with a valid key within its limits reach it.
 * `clientAddress`: the request's client address, which the Fetch API does not carry (your host's
 * `x-forwarded-for` entry or socket peer), for the key's recent verifications. `cost`: how many
 * units of the limits a request uses (default 1; 0 checks without using any), or a function of it.
 * `permissions`: a query the key must satisfy ("orders.read AND (orders.write OR admin)"), or a
 * function of the request; refused with 403 INSUFFICIENT_PERMISSIONS naming what is missing.
 */
export function withKeyway(
  keyway: Keyway,
  handler: (request: Request, key: VerifiedKey) => Promise<Response> | Response,
  options: {
    clientAddress?: (request: Request) => string | null | undefined;
    cost?: number | ((request: Request) => number);
    permissions?: string | ((request: Request) => string | undefined);
  } = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const cost = typeof options.cost === "function" ? options.cost(request) : options.cost;
    const permissions = typeof options.permissions === "function" ? options.permissions(request) : options.permissions;
    const decision = await guard(keyway, (name) => request.headers.get(name), {
      ip: options.clientAddress?.(request) ?? null,
      ...(cost !== undefined ? { cost } : {}),
      ...(permissions !== undefined ? { permissions } : {}),
    });
    if ("refused" in decision) return json(decision.refused.status, decision.refused.body, decision.refused.headers);
    const result = decision.key;
    let response: Response;
    try {
      response = await handler(request, result);
    } catch (error) {
      keyway.record(result, false);
      throw error;
    }
    keyway.record(result, response.status < 400);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * An endpoint under a base URL, keeping the base's own path: "https://host/keyway" and
 * "https://host/keyway/" both give "https://host/keyway/api/v1/…" (new URL("/api/v1/…", base)
 * would drop "/keyway").
 */
export function endpoint(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return new URL(path.replace(/^\/+/, ""), base);
}

/**
 * A Keyway reached over HTTP with a service token (for services outside the Keyway process).
 * `baseUrl` may carry a path (Keyway behind a proxy under /keyway); `timeoutMs` bounds each call
 * (default 5 s): past it, or when Keyway cannot be reached, the answer is SERVICE_UNAVAILABLE.
 */
export function remoteKeyway(options: { baseUrl: string; serviceToken: string; fetch?: typeof fetch; timeoutMs?: number }): Keyway {
  const f = options.fetch ?? fetch;
  const auth = { authorization: `Bearer ${options.serviceToken}`, "content-type": "application/json" };
  const verifyUrl = endpoint(options.baseUrl, "api/v1/keys/verify");
  const usageUrl = endpoint(options.baseUrl, "api/v1/usage");
  return {
    async verify(key, context) {
      const unavailable = (why: string): VerifyResponse => ({ valid: false, code: "SERVICE_UNAVAILABLE", message: why, headers: { "Retry-After": "1" } });
      let res: Response;
      try {
        const body = {
          key,
          ...(context?.ip ? { ip: context.ip } : {}),
          ...(context?.cost !== undefined ? { cost: context.cost } : {}),
          ...(context?.permissions !== undefined ? { permissions: context.permissions } : {}),
        };
        res = await f(verifyUrl, { method: "POST", headers: auth, body: JSON.stringify(body), signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
      } catch {
        // Unreachable or too slow: a refusal the caller may retry, never the handler running unguarded.
        return unavailable("Keyway cannot be reached right now.");
      }
      // a malformed query or cost is the caller's bug: said loudly, not turned into a refusal
      if (res.status === 400) throw new TypeError(`Keyway refused the verify call: ${((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? "400"}`);
      if (res.status !== 200) return unavailable(`Keyway answered ${res.status}.`);
      return (await res.json()) as VerifyResponse;
    },
    record({ keyId }, success) {
      void f(usageUrl, { method: "POST", headers: auth, body: JSON.stringify({ keyId, success }), signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) }).catch(() => {});
    },
  };
}
