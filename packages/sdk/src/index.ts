// @keyway/sdk: protect an HTTP handler with a Keyway API key. No dependencies; uses the Fetch API.
//
//   const keyway = remoteKeyway({ baseUrl: "https://keys.example.com", serviceToken: process.env.KEYWAY_SERVICE_TOKEN });
//   export const GET = withKeyway(keyway, async (request, key) => Response.json({ hello: key.keyId }));
//
// The request's key is read from `Authorization: Bearer <key>` or `X-API-Key: <key>` (never the URL).
// Refusals come back as 401 / 429 / 503 with a stable error code; allowed responses carry the
// rate-limit headers, and their outcome (status < 400 or not) is recorded for the usage charts.

export type VerifyCode =
  | "MISSING_KEY" | "MALFORMED" | "INVALID_KEY" | "REVOKED" | "EXPIRED" | "DISABLED_USER" | "RATE_LIMITED";

export interface VerifiedKey {
  keyId: string;
  ownerId: string;
  prefix: string;
  tier: string;
  limits: Record<"minute" | "hour" | "day" | "month", number>;
}

/** The JSON body of POST /api/v1/keys/verify. */
export type VerifyResponse =
  | ({ valid: true; headers: Record<string, string>; degraded: boolean } & VerifiedKey)
  | ({ valid: false; code: "RATE_LIMITED"; message: string; period: string; headers: Record<string, string> } & VerifiedKey)
  | { valid: false; code: Exclude<VerifyCode, "RATE_LIMITED"> | "SERVICE_UNAVAILABLE"; message: string; headers?: Record<string, string> };

export interface Keyway {
  verify(key: string | null): Promise<VerifyResponse>;
  record(keyId: string, success: boolean): void;
}

export const MAX_KEY_LENGTH = 512;

/** The key a request carries, or why it is unusable. Header names are case-insensitive. */
export function keyFromHeaders(get: (name: string) => string | null | undefined):
  | { key: string | null }
  | { error: "AMBIGUOUS_KEY" | "KEY_TOO_LONG" } {
  const auth = get("authorization");
  const scheme = auth == null ? null : /^Bearer(?:\s+(.*))?$/i.exec(auth);
  const bearer = auth == null ? null : scheme ? (scheme[1] ?? "") : auth;
  const apiKey = get("x-api-key") ?? null;
  if (bearer !== null && apiKey !== null && bearer !== apiKey) return { error: "AMBIGUOUS_KEY" };
  const key = bearer ?? apiKey;
  if (key !== null && key.length > MAX_KEY_LENGTH) return { error: "KEY_TOO_LONG" };
  return { key };
}

const STATUS: Record<string, number> = { RATE_LIMITED: 429, SERVICE_UNAVAILABLE: 503 };

/** Status, headers and JSON body for a refused request. */
export function refusal(result: Extract<VerifyResponse, { valid: false }>): { status: number; headers: Record<string, string>; body: unknown } {
  const error: Record<string, unknown> = { code: result.code, message: result.message };
  if (result.code === "RATE_LIMITED") error.period = result.period;
  return { status: STATUS[result.code] ?? 401, headers: result.headers ?? {}, body: { error } };
}

export function badRequest(code: "AMBIGUOUS_KEY" | "KEY_TOO_LONG") {
  const message =
    code === "AMBIGUOUS_KEY"
      ? "Send the key once: Authorization and X-API-Key carry different values."
      : `The key is longer than ${MAX_KEY_LENGTH} characters.`;
  return { status: 400, headers: {}, body: { error: { code, message } } };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/**
 * The decision for one request, for any HTTP framework: the verified key (with the rate-limit
 * headers to send), or the refusal to send as is.
 */
export async function guard(
  keyway: Keyway,
  header: (name: string) => string | null | undefined,
): Promise<{ key: Extract<VerifyResponse, { valid: true }> } | { refused: { status: number; headers: Record<string, string>; body: unknown } }> {
  const extracted = keyFromHeaders(header);
  if ("error" in extracted) return { refused: badRequest(extracted.error) };
  const result = await keyway.verify(extracted.key);
  return result.valid ? { key: result } : { refused: refusal(result) };
}

/** Wraps a fetch-style handler: only requests with a valid key within its limits reach it. */
export function withKeyway(
  keyway: Keyway,
  handler: (request: Request, key: VerifiedKey) => Promise<Response> | Response,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const decision = await guard(keyway, (name) => request.headers.get(name));
    if ("refused" in decision) return json(decision.refused.status, decision.refused.body, decision.refused.headers);
    const result = decision.key;
    let response: Response;
    try {
      response = await handler(request, result);
    } catch (error) {
      keyway.record(result.keyId, false);
      throw error;
    }
    keyway.record(result.keyId, response.status < 400);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/** A Keyway reached over HTTP with a service token (for services outside the Keyway process). */
export function remoteKeyway(options: { baseUrl: string; serviceToken: string; fetch?: typeof fetch }): Keyway {
  const f = options.fetch ?? fetch;
  const auth = { authorization: `Bearer ${options.serviceToken}`, "content-type": "application/json" };
  return {
    async verify(key) {
      const res = await f(new URL("/api/v1/keys/verify", options.baseUrl), { method: "POST", headers: auth, body: JSON.stringify({ key }) });
      if (res.status !== 200) {
        return { valid: false, code: "SERVICE_UNAVAILABLE", message: `Keyway answered ${res.status}.`, headers: { "Retry-After": "1" } };
      }
      return (await res.json()) as VerifyResponse;
    },
    record(keyId, success) {
      void f(new URL("/api/v1/usage", options.baseUrl), { method: "POST", headers: auth, body: JSON.stringify({ keyId, success }) }).catch(() => {});
    },
  };
}
