// The public API's wire contract, one definition for the server (packages/api/src/http) and the
// SDK: the refusal codes, the verify result as it travels, where a request carries its key, and
// the size limit of a key. No dependencies, no I/O.

export type VerifyCode =
  | "MISSING_KEY" | "MALFORMED" | "INVALID_KEY" | "REVOKED" | "EXPIRED" | "DISABLED_USER" | "IP_NOT_ALLOWED"
  | "INSUFFICIENT_PERMISSIONS" | "RATE_LIMITED" | "USAGE_EXCEEDED";

/** Which traffic a key is for: services may send a test key's requests to a sandbox. */
export type KeyEnvironment = "live" | "test";

export interface VerifiedKey {
  keyId: string;
  /** The user who created the key (null once that account is deleted; the key is its workspace's). */
  ownerId: string | null;
  prefix: string;
  /** The key's workspace's plan (the same as workspace.plan). */
  tier: string;
  /** What the key may do at most in each window: the tighter of its own limits and its workspace's. */
  limits: Record<Window, number>;
  workspace: WorkspaceRef;
  /** What is left in each window: of the workspace's plan (shared by its keys), and of the key's own limits when it has any. */
  remaining: { workspace: Record<Window, number>; key: Record<Window, number> | null };
  /** The key's metadata: a JSON object its workspace or the platform set ({} when none). */
  metadata: Record<string, unknown>;
  environment: KeyEnvironment;
  /** The permissions the key holds (granted on their own and through its roles), sorted. */
  permissions: readonly string[];
  /** The credits left after this request: the smaller of the key's and its workspace's balance (null: no balance applies). */
  credits: number | null;
}

export type Window = "minute" | "hour" | "day" | "month";

/** Which limit refused a request: the key's own, or its workspace's plan. */
export type LimitScope = "key" | "workspace";

/** The workspace a key belongs to, and its plan. */
export interface WorkspaceRef {
  id: string;
  name: string;
  plan: string;
}

/** The JSON body of POST /api/v1/keys/verify. */
export type VerifyResponse =
  | ({ valid: true; headers: Record<string, string>; degraded: boolean } & VerifiedKey)
  | ({ valid: false; code: "RATE_LIMITED"; message: string; period: Window; scope: LimitScope; headers: Record<string, string> } & VerifiedKey)
  /** Out of credits: `scope` says whose balance (the key's or its workspace's). */
  | ({ valid: false; code: "USAGE_EXCEEDED"; message: string; scope: LimitScope; headers: Record<string, string> } & VerifiedKey)
  /** `missing`: what the key lacks for the query, as a query ("orders.write OR admin"). */
  | { valid: false; code: "INSUFFICIENT_PERMISSIONS"; message: string; missing: string }
  | {
      valid: false;
      code: Exclude<VerifyCode, "RATE_LIMITED" | "USAGE_EXCEEDED" | "INSUFFICIENT_PERMISSIONS"> | "SERVICE_UNAVAILABLE";
      message: string;
      headers?: Record<string, string>;
    };

/** The highest cost one request may have. */
export const MAX_COST = 1_000_000;

/** What a request brings besides its key. */
export interface RequestContext {
  /** The client's address (IPv4 or IPv6), when known: recorded in the key's recent verifications. */
  ip?: string | null;
  /**
   * How many units of every limit the request uses (an integer from 0 to MAX_COST; default 1). 0
   * asks whether a request would be admitted, using up nothing.
   */
  cost?: number;
  /**
   * A permission query the key must satisfy, such as "orders.read AND (orders.write OR admin)":
   * names, AND, OR, parentheses. Refused with INSUFFICIENT_PERMISSIONS, naming what is missing.
   */
  permissions?: string;
}

export interface Keyway {
  verify(key: string | null, context?: RequestContext): Promise<VerifyResponse>;
  /** Records a verified request's outcome (for the usage charts). */
  record(key: Pick<VerifiedKey, "keyId" | "workspace">, success: boolean): void;
}

/** Longer keys are refused before any lookup (a Keyway key is about 80 characters). */
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

const STATUS: Record<string, number> = { RATE_LIMITED: 429, USAGE_EXCEEDED: 429, INSUFFICIENT_PERMISSIONS: 403, IP_NOT_ALLOWED: 403, SERVICE_UNAVAILABLE: 503 };

/** Status, headers and JSON body for a refused request. */
export function refusal(result: Extract<VerifyResponse, { valid: false }>): { status: number; headers: Record<string, string>; body: unknown } {
  const error: Record<string, unknown> = { code: result.code, message: result.message };
  if (result.code === "RATE_LIMITED") {
    error.period = result.period;
    error.scope = result.scope;
  }
  if (result.code === "USAGE_EXCEEDED") error.scope = result.scope;
  if (result.code === "INSUFFICIENT_PERMISSIONS") error.missing = result.missing;
  return { status: STATUS[result.code] ?? 401, headers: ("headers" in result ? result.headers : undefined) ?? {}, body: { error } };
}

export function badRequest(code: "AMBIGUOUS_KEY" | "KEY_TOO_LONG") {
  const message =
    code === "AMBIGUOUS_KEY"
      ? "Send the key once: Authorization and X-API-Key carry different values."
      : `The key is longer than ${MAX_KEY_LENGTH} characters.`;
  return { status: 400, headers: {}, body: { error: { code, message } } };
}

/**
 * The decision for one request, for any HTTP framework: the verified key (with the rate-limit
 * headers to send), or the refusal to send as is.
 */
export async function guard(
  keyway: Keyway,
  header: (name: string) => string | null | undefined,
  context?: RequestContext,
): Promise<{ key: Extract<VerifyResponse, { valid: true }> } | { refused: { status: number; headers: Record<string, string>; body: unknown } }> {
  const extracted = keyFromHeaders(header);
  if ("error" in extracted) return { refused: badRequest(extracted.error) };
  const result = await keyway.verify(extracted.key, context);
  return result.valid ? { key: result } : { refused: refusal(result) };
}
