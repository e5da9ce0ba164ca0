// Service tokens: what the platform's own services call Keyway's API with, each named and limited
// to its scopes. "kws_<16-character id>_<32-character secret>": the id finds the stored hash (the
// SHA-256 of the whole token), the secret is shown once. The environment's KEYWAY_SERVICE_TOKEN
// stays a bootstrap token with every scope.
import { randomBase62 } from "./keys.ts";

/** What a service token may do, one scope per kind of call. */
export const SERVICE_SCOPES = {
  "keys.verify": "Verify keys and report each request's outcome",
  "keys.read": "Read keys",
  "keys.write": "Create, change, roll and revoke keys",
  "workspaces.read": "Read workspaces",
  "workspaces.write": "Create workspaces, change their plan, delete them",
  "usage.read": "Read usage, per key and per workspace",
  "permissions.write": "Add permissions and roles to the catalogue",
  "ratelimit.limit": "Rate-limit any identifier",
} as const;
export type ServiceScope = keyof typeof SERVICE_SCOPES;
export const SERVICE_SCOPE_NAMES = Object.keys(SERVICE_SCOPES) as ServiceScope[];

export const SERVICE_TOKEN_PATTERN = /^kws_([0-9A-Za-z]{16})_([0-9A-Za-z]{32})$/;

export function generateServiceToken(): { token: string; id: string; prefix: string } {
  const id = randomBase62(16);
  return { token: `kws_${id}_${randomBase62(32)}`, id, prefix: `kws_${id}` };
}

/** The id of a token of this format, or null (then it can only be the bootstrap token). */
export function serviceTokenId(raw: string): string | null {
  return SERVICE_TOKEN_PATTERN.exec(raw)?.[1] ?? null;
}
