// The public HTTP API, framework-free (Fetch API Request -> Response). Mounted by the portal's
// catch-all route; the same handler serves any other host.
//   GET|POST /api/v1/echo          the sample protected API (guarded by @keyway/sdk)
//   POST     /api/v1/keys/verify   for the platform's services (service token)
//   POST     /api/v1/usage         records a request's outcome (service token)
import { createHash, timingSafeEqual } from "node:crypto";
import { KEY_ID_LENGTH, isLimiterUnavailable } from "@keyway/core";
import { withKeyway, type Keyway, type VerifyResponse } from "@keyway/sdk";
import type { Services } from "../services/index.ts";
import { toWire, unavailable } from "./wire.ts";

export const MAX_HEADER_BYTES = 8 * 1024;
export const MAX_BODY_BYTES = 16 * 1024;

type ErrorCode =
  | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "HEADERS_TOO_LARGE" | "BODY_TOO_LARGE" | "INVALID_BODY"
  | "UNAUTHORIZED_SERVICE" | "KEY_NOT_FOUND" | "SERVICE_UNAVAILABLE";

export function errorResponse(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** The in-process Keyway: the SDK's interface over this process's verifier and usage recorder. */
export function localKeyway(services: Services): Keyway {
  return {
    async verify(key): Promise<VerifyResponse> {
      try {
        return toWire(await services.verifier.verify(key));
      } catch (error) {
        if (isLimiterUnavailable(error)) return unavailable(error.retryAfterMs, "Rate limiting");
        services.log.warn({ err: (error as Error).message }, "verify failed: key store unavailable");
        return unavailable(1_000, "Key verification");
      }
    },
    record(keyId, success) {
      services.recorder.record(keyId, success ? "s" : "f");
    },
  };
}

function headerBytes(request: Request): number {
  let n = 0;
  request.headers.forEach((value, name) => {
    n += name.length + value.length + 4;
  });
  return n;
}

/** Reads a JSON body of at most MAX_BODY_BYTES; a Response when it is too large or not JSON. */
async function readJson(request: Request): Promise<unknown | Response> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return errorResponse(413, "BODY_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return errorResponse(413, "BODY_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return errorResponse(400, "INVALID_BODY", "The body must be JSON.");
  }
}

export function createPublicApi(services: Services) {
  const keyway = localKeyway(services);
  const tokenHash = services.config.KEYWAY_SERVICE_TOKEN
    ? createHash("sha256").update(services.config.KEYWAY_SERVICE_TOKEN).digest()
    : null;

  function serviceAuthorized(request: Request): boolean {
    const header = request.headers.get("authorization") ?? "";
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token || !tokenHash) return false;
    return timingSafeEqual(createHash("sha256").update(token).digest(), tokenHash);
  }

  const echo = withKeyway(keyway, async (request, key) =>
    Response.json({ ok: true, keyId: key.keyId, tier: key.tier, method: request.method }),
  );

  async function verify(request: Request): Promise<Response> {
    if (!serviceAuthorized(request)) return errorResponse(401, "UNAUTHORIZED_SERVICE", "Send the service token as Authorization: Bearer <token>.");
    const body = await readJson(request);
    if (body instanceof Response) return body;
    const key = (body as { key?: unknown } | null)?.key;
    if (key !== undefined && key !== null && typeof key !== "string") return errorResponse(400, "INVALID_BODY", 'Send {"key": "<api key>"}.');
    if (typeof key === "string" && key.length > 512) return errorResponse(400, "INVALID_BODY", "The key is longer than 512 characters.");
    const result = await keyway.verify(key ?? null);
    return Response.json(result, { status: 200, headers: result.valid || result.code === "RATE_LIMITED" ? result.headers : {} });
  }

  async function usage(request: Request): Promise<Response> {
    if (!serviceAuthorized(request)) return errorResponse(401, "UNAUTHORIZED_SERVICE", "Send the service token as Authorization: Bearer <token>.");
    const body = await readJson(request);
    if (body instanceof Response) return body;
    const { keyId, success } = (body ?? {}) as { keyId?: unknown; success?: unknown };
    if (typeof keyId !== "string" || !new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`).test(keyId) || typeof success !== "boolean") {
      return errorResponse(400, "INVALID_BODY", 'Send {"keyId": "<16-character key id>", "success": true|false}.');
    }
    let exists: boolean;
    try {
      exists = (await services.keyStore.findById(keyId)) !== null;
    } catch {
      return errorResponse(503, "SERVICE_UNAVAILABLE", "Key store unavailable; try again shortly.", { "Retry-After": "1" });
    }
    if (!exists) return errorResponse(404, "KEY_NOT_FOUND", "No key has that id.");
    keyway.record(keyId, success);
    return Response.json({ ok: true }, { status: 202 });
  }

  return async function handle(request: Request): Promise<Response> {
    if (headerBytes(request) > MAX_HEADER_BYTES) return errorResponse(431, "HEADERS_TOO_LARGE", `Request headers exceed ${MAX_HEADER_BYTES} bytes.`);
    const path = new URL(request.url).pathname.replace(/\/+$/, "");
    const method = request.method;
    if (path === "/api/v1/echo") {
      if (method !== "GET" && method !== "POST") return errorResponse(405, "METHOD_NOT_ALLOWED", "Use GET or POST.", { allow: "GET, POST" });
      if (method === "POST") {
        const declared = Number(request.headers.get("content-length") ?? 0);
        if (declared > MAX_BODY_BYTES) return errorResponse(413, "BODY_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
      }
      return echo(request);
    }
    if (path === "/api/v1/keys/verify" || path === "/api/v1/usage") {
      if (method !== "POST") return errorResponse(405, "METHOD_NOT_ALLOWED", "Use POST.", { allow: "POST" });
      return path === "/api/v1/usage" ? usage(request) : verify(request);
    }
    return errorResponse(404, "NOT_FOUND", "No such endpoint.");
  };
}
