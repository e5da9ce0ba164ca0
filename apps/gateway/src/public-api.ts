// The public HTTP API, framework-free: a handler from a minimal request (method, path, headers,
// a body reader) to a minimal response (status, headers, JSON text), served by the gateway's
// node:http adapter (node-server.ts); a Fetch adapter (fetchHandler) mounts it on any Fetch host.
// The portal forwards its own /api/v1 here.
//   GET|POST /api/v1/echo          the sample protected API (guarded like any platform endpoint)
//   POST     /api/v1/keys/verify   for the platform's services (service token)
//   POST     /api/v1/usage         records a request's outcome (service token)
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import {
  clientAddress, KEY_ID_LENGTH, isLimiterUnavailable, MAX_QUERY_LENGTH, parsePermissionQueryCached, PEER_HEADER, PEER_SIGNATURE_HEADER,
  SERVICE_SCOPE_NAMES, signedPeer, type ServiceScope,
} from "@keyway/core";
import { USAGE_FIELD } from "@keyway/redis";
import { guard, MAX_COST, MAX_KEY_LENGTH, type Keyway, type RequestContext, type VerifyResponse } from "@keyway/protocol";
import type { ServiceCaller, Services } from "@keyway/server";
import { toWire, unavailable } from "./wire.ts";

export const MAX_HEADER_BYTES = 8 * 1024;
export const MAX_BODY_BYTES = 16 * 1024;
/** Longer paths are refused (414) before anything looks at them. */
export const MAX_PATH_BYTES = 2 * 1024;

/** The path without its trailing slashes, in one linear pass (a /\/+$/ regex backtracks: quadratic on "////…x"). */
export function trimSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  return end === path.length ? path : path.slice(0, end);
}

export interface ApiRequest {
  method: string;
  /** The URL path, without the query string. */
  path: string;
  header(name: string): string | null;
  /** Total size of the request's header names and values. */
  headerBytes: number;
  /** The body, or "too_large" as soon as it passes `limit` bytes (the rest is not read). */
  readBody(limit: number): Promise<Uint8Array | "too_large">;
  /** The socket's peer address (null when the host does not say). */
  peer: string | null;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

type ErrorCode =
  | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "HEADERS_TOO_LARGE" | "URI_TOO_LONG" | "BODY_TOO_LARGE" | "INVALID_BODY"
  | "UNAUTHORIZED_SERVICE" | "INSUFFICIENT_SCOPE" | "KEY_NOT_FOUND" | "SERVICE_UNAVAILABLE" | "INVALID_PERMISSION_QUERY";

/** How long a service token's check is trusted (a revoked token stops within this). */
const TOKEN_CACHE_MS = 5_000;
/** A token's last use is written at most this often per process. */
const TOUCH_EVERY_MS = 60_000;

function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): ApiResponse {
  return json(status, { error: { code, message } }, headers);
}

/** The in-process Keyway: the SDK's interface over this process's verifier and usage recorder. */
export function localKeyway(services: Services): Keyway {
  return {
    async verify(key, context?: RequestContext): Promise<VerifyResponse> {
      const t0 = performance.now();
      let permissions = null;
      if (context?.permissions !== undefined) {
        const parsed = parsePermissionQueryCached(context.permissions);
        // (the verify endpoint answers a malformed query with 400 before this; here it is the caller's bug)
        if (!parsed.ok) throw new TypeError(`permissions: ${parsed.message}`);
        permissions = parsed.query;
      }
      let response: VerifyResponse;
      try {
        response = toWire(await services.verifier.verify(key, { cost: context?.cost ?? 1, ip: context?.ip ?? null, permissions }));
      } catch (error) {
        if (isLimiterUnavailable(error)) response = unavailable(error.retryAfterMs, "Rate limiting");
        else {
          services.log.warn({ err: (error as Error).message }, "verify failed: key store unavailable");
          response = unavailable(1_000, "Key verification");
        }
      }
      services.metrics.verified(response.valid ? "VALID" : response.code, (performance.now() - t0) / 1000);
      return response;
    },
    record(key, success) {
      services.recorder.record({ keyId: key.keyId, workspaceId: key.workspace.id }, success ? USAGE_FIELD.successful : USAGE_FIELD.failed);
    },
  };
}

const tooLarge = () => errorResponse(413, "BODY_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);

/** Reads a JSON body of at most MAX_BODY_BYTES; an ApiResponse when it is too large or not JSON. */
async function readJson(request: ApiRequest): Promise<{ value: unknown } | ApiResponse> {
  if (Number(request.header("content-length") ?? 0) > MAX_BODY_BYTES) return tooLarge();
  const body = await request.readBody(MAX_BODY_BYTES);
  if (body === "too_large") return tooLarge();
  try {
    return { value: JSON.parse(Buffer.from(body).toString("utf8")) };
  } catch {
    return errorResponse(400, "INVALID_BODY", "The body must be JSON.");
  }
}

export type PublicApi = (request: ApiRequest) => Promise<ApiResponse>;

export function createPublicApi(services: Services): PublicApi {
  const keyway = localKeyway(services);
  const bootstrapHash = services.config.KEYWAY_SERVICE_TOKEN
    ? createHash("sha256").update(services.config.KEYWAY_SERVICE_TOKEN).digest()
    : null;
  const bootstrap: ServiceCaller = { tokenId: null, name: "bootstrap token (KEYWAY_SERVICE_TOKEN)", scopes: SERVICE_SCOPE_NAMES };
  // checked tokens by their hash (never the secret), for TOKEN_CACHE_MS; and when each was last recorded as used
  const checked = new Map<string, { caller: ServiceCaller | null; until: number }>();
  const touched = new Map<string, number>();

  /** The service a request's token stands for: the bootstrap token, a stored token, or null. */
  async function callerOf(token: string): Promise<ServiceCaller | null> {
    const digest = createHash("sha256").update(token).digest();
    if (bootstrapHash && timingSafeEqual(digest, bootstrapHash)) return bootstrap;
    const key = digest.toString("hex");
    const now = Date.now();
    const hit = checked.get(key);
    if (hit && hit.until > now) return hit.caller;
    const caller = await services.serviceTokens.authenticate(token);
    if (checked.size >= 10_000) checked.clear();
    checked.set(key, { caller, until: now + TOKEN_CACHE_MS });
    return caller;
  }

  /** The calling service if its token is good and has `scope`; else the refusal to send (401, 403, 503). */
  async function authorize(request: ApiRequest, scope: ServiceScope): Promise<{ caller: ServiceCaller } | ApiResponse> {
    const token = /^Bearer (.+)$/.exec(request.header("authorization") ?? "")?.[1];
    let caller: ServiceCaller | null = null;
    if (token && token.length <= 200) {
      try {
        caller = await callerOf(token);
      } catch {
        return errorResponse(503, "SERVICE_UNAVAILABLE", "Service tokens cannot be checked right now; try again shortly.", { "Retry-After": "1" });
      }
    }
    if (!caller) return errorResponse(401, "UNAUTHORIZED_SERVICE", "Send a service token as Authorization: Bearer <token> (this one is missing, unknown, revoked or expired).");
    if (!caller.scopes.includes(scope)) return errorResponse(403, "INSUFFICIENT_SCOPE", `The service token "${caller.name}" lacks the ${scope} scope.`);
    if (caller.tokenId !== null && (touched.get(caller.tokenId) ?? 0) + TOUCH_EVERY_MS < Date.now()) {
      touched.set(caller.tokenId, Date.now());
      services.serviceTokens.touch(caller.tokenId).catch(() => {});
    }
    return { caller };
  }

  /**
   * The client's address: the one the portal names when it forwards a request (signed, see
   * PEER_SIGNATURE_HEADER), else the socket's peer or X-Forwarded-For by TRUSTED_PROXY_HOPS.
   */
  const clientOf = (request: ApiRequest) =>
    signedPeer(services.config.AUTH_SECRET, request.header(PEER_HEADER), request.header(PEER_SIGNATURE_HEADER)) ??
    clientAddress(request.peer, request.header("x-forwarded-for"), services.config.TRUSTED_PROXY_HOPS);

  /** The sample protected API: what any endpoint of the platform does with a key. */
  async function echo(request: ApiRequest): Promise<ApiResponse> {
    const decision = await guard(keyway, (name) => request.header(name), { ip: clientOf(request) });
    if ("refused" in decision) return json(decision.refused.status, decision.refused.body, decision.refused.headers);
    const { key } = decision;
    keyway.record(key, true);
    return json(200, { ok: true, keyId: key.keyId, tier: key.tier, method: request.method }, key.headers);
  }

  async function verify(request: ApiRequest): Promise<ApiResponse> {
    const authorized = await authorize(request, "keys.verify");
    if (!("caller" in authorized)) return authorized;
    const body = await readJson(request);
    if (!("value" in body)) return body;
    const { key, ip, cost, permissions } = (body.value ?? {}) as { key?: unknown; ip?: unknown; cost?: unknown; permissions?: unknown };
    if (key !== undefined && key !== null && typeof key !== "string") return errorResponse(400, "INVALID_BODY", 'Send {"key": "<api key>"}.');
    if (typeof key === "string" && key.length > MAX_KEY_LENGTH) return errorResponse(400, "INVALID_BODY", `The key is longer than ${MAX_KEY_LENGTH} characters.`);
    if (ip !== undefined && ip !== null && (typeof ip !== "string" || isIP(ip) === 0)) return errorResponse(400, "INVALID_BODY", "ip: send the client's IPv4 or IPv6 address, or leave it out.");
    if (cost !== undefined && (typeof cost !== "number" || !Number.isInteger(cost) || cost < 0 || cost > MAX_COST)) {
      return errorResponse(400, "INVALID_BODY", `cost: a whole number from 0 to ${MAX_COST.toLocaleString("en")} (default 1).`);
    }
    if (permissions !== undefined && permissions !== null) {
      if (typeof permissions !== "string") return errorResponse(400, "INVALID_BODY", `permissions: a query string such as "orders.read AND (orders.write OR admin)", at most ${MAX_QUERY_LENGTH} characters.`);
      const parsed = parsePermissionQueryCached(permissions);
      if (!parsed.ok) return json(400, { error: { code: "INVALID_PERMISSION_QUERY", message: `permissions: ${parsed.message}`, position: parsed.position } });
    }
    const result = await keyway.verify(key ?? null, {
      ip: (ip as string | null | undefined) ?? null,
      cost: (cost as number | undefined) ?? 1,
      permissions: (permissions as string | null | undefined) ?? undefined,
    });
    return json(200, result, result.valid || result.code === "RATE_LIMITED" || result.code === "USAGE_EXCEEDED" ? result.headers : {});
  }

  async function usage(request: ApiRequest): Promise<ApiResponse> {
    const authorized = await authorize(request, "keys.verify");
    if (!("caller" in authorized)) return authorized;
    const body = await readJson(request);
    if (!("value" in body)) return body;
    const { keyId, success } = (body.value ?? {}) as { keyId?: unknown; success?: unknown };
    if (typeof keyId !== "string" || !new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`).test(keyId) || typeof success !== "boolean") {
      return errorResponse(400, "INVALID_BODY", 'Send {"keyId": "<16-character key id>", "success": true|false}.');
    }
    let workspaceId: string | null;
    try {
      workspaceId = await services.verifier.workspaceOf(keyId);
    } catch {
      return errorResponse(503, "SERVICE_UNAVAILABLE", "Key store unavailable; try again shortly.", { "Retry-After": "1" });
    }
    if (workspaceId === null) return errorResponse(404, "KEY_NOT_FOUND", "No key has that id.");
    services.recorder.record({ keyId, workspaceId }, success ? USAGE_FIELD.successful : USAGE_FIELD.failed);
    return json(202, { ok: true });
  }

  return async function handle(request: ApiRequest): Promise<ApiResponse> {
    if (request.headerBytes > MAX_HEADER_BYTES) return errorResponse(431, "HEADERS_TOO_LARGE", `Request headers exceed ${MAX_HEADER_BYTES} bytes.`);
    if (request.path.length > MAX_PATH_BYTES) return errorResponse(414, "URI_TOO_LONG", `The path is longer than ${MAX_PATH_BYTES} bytes.`);
    const path = trimSlashes(request.path);
    const method = request.method;
    if (path === "/api/v1/echo") {
      if (method !== "GET" && method !== "POST") return errorResponse(405, "METHOD_NOT_ALLOWED", "Use GET or POST.", { allow: "GET, POST" });
      if (method === "POST" && Number(request.header("content-length") ?? 0) > MAX_BODY_BYTES) return tooLarge();
      return echo(request);
    }
    if (path === "/api/v1/keys/verify" || path === "/api/v1/usage") {
      if (method !== "POST") return errorResponse(405, "METHOD_NOT_ALLOWED", "Use POST.", { allow: "POST" });
      return path === "/api/v1/usage" ? usage(request) : verify(request);
    }
    return errorResponse(404, "NOT_FOUND", "No such endpoint.");
  };
}

/** The Fetch adapter (Next.js route handlers, any Fetch-style host). */
export function fetchHandler(api: PublicApi): (request: Request) => Promise<Response> {
  return async (request) => {
    let headerBytes = 0;
    request.headers.forEach((value, name) => {
      headerBytes += name.length + value.length + 4;
    });
    const response = await api({
      method: request.method,
      path: new URL(request.url).pathname,
      header: (name) => request.headers.get(name),
      headerBytes,
      peer: null,
      async readBody(limit) {
        const reader = request.body?.getReader();
        const chunks: Uint8Array[] = [];
        let size = 0;
        while (reader) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > limit) {
            await reader.cancel();
            return "too_large";
          }
          chunks.push(value);
        }
        return Buffer.concat(chunks);
      },
    });
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}
