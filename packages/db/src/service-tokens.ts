// Service tokens in PostgreSQL: made, listed and revoked by platform admins (the console, the CLI),
// each change audited; looked up by the public API for every service call (the gateway keeps the
// answers for a few seconds). Stored: the SHA-256 of the whole token, as an API key's without a pepper.
import { generateServiceToken, hashKey, sameHash, SERVICE_SCOPE_NAMES, serviceTokenId, type ServiceScope } from "@keyway/core";
import type { Db } from "./client.ts";
import { writeAudit, type Actor } from "./audit.ts";
import { DomainError } from "./errors.ts";


/** Fields of a token that may leave the server: no hash. */
const publicTokenSelect = {
  id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true,
  createdBy: { select: { name: true, email: true } },
} as const;

/** Who is calling, once a token checked out. */
export interface ServiceCaller {
  /** null: the bootstrap token (KEYWAY_SERVICE_TOKEN). */
  tokenId: string | null;
  name: string;
  scopes: readonly ServiceScope[];
}

export function serviceTokenService(db: Db, options: { clock?: () => number } = {}) {
  const now = () => new Date((options.clock ?? Date.now)());
  return {
    /** A new token; its secret is in the result and nowhere else. */
    async create(actor: Actor, input: { name: string; scopes: ServiceScope[]; expiresInDays?: number | null }) {
      const unknown = input.scopes.find((s) => !SERVICE_SCOPE_NAMES.includes(s));
      if (unknown !== undefined) throw new DomainError("INVALID_INPUT", `There is no scope named ${JSON.stringify(unknown)}.`, "scopes");
      if (input.scopes.length === 0) throw new DomainError("INVALID_INPUT", "Choose at least one scope.", "scopes");
      const made = generateServiceToken();
      const expiresAt = input.expiresInDays ? new Date(now().getTime() + input.expiresInDays * 86_400_000) : null;
      return db.$transaction(async (tx) => {
        const record = await tx.serviceToken.create({
          data: { id: made.id, name: input.name, prefix: made.prefix, hash: hashKey(made.token), scopes: [...new Set(input.scopes)], createdById: actor.id, expiresAt },
          select: publicTokenSelect,
        });
        await writeAudit(tx, actor, { action: "token.create", after: { id: record.id, name: record.name, prefix: record.prefix, scopes: record.scopes, expiresAt: expiresAt?.toISOString() ?? null } });
        return { token: made.token, record };
      });
    },

    list() {
      return db.serviceToken.findMany({ select: publicTokenSelect, orderBy: { createdAt: "desc" } });
    },

    /** Stops a token at once (the public API rechecks tokens every few seconds). */
    async revoke(actor: Actor, id: string) {
      return db.$transaction(async (tx) => {
        const token = await tx.serviceToken.findUnique({ where: { id }, select: { id: true, name: true, prefix: true, revokedAt: true } });
        if (!token) throw new DomainError("NOT_FOUND", "No such service token.");
        if (token.revokedAt) throw new DomainError("ALREADY_REVOKED", "This token is already revoked.");
        const record = await tx.serviceToken.update({ where: { id }, data: { revokedAt: now() }, select: publicTokenSelect });
        await writeAudit(tx, actor, { action: "token.revoke", before: { id, name: token.name, prefix: token.prefix } });
        return record;
      });
    },

    /**
     * The caller a token of the "kws_<id>_<secret>" form stands for, or null: unknown, wrong
     * secret, revoked or expired (all the same answer). Compares hashes, not the secret.
     */
    async authenticate(raw: string): Promise<ServiceCaller | null> {
      const id = serviceTokenId(raw);
      if (id === null) return null;
      const row = await db.serviceToken.findUnique({ where: { id }, select: { id: true, name: true, hash: true, scopes: true, revokedAt: true, expiresAt: true } });
      if (!row || !sameHash(row.hash, hashKey(raw)) || row.revokedAt || (row.expiresAt && row.expiresAt <= now())) return null;
      return { tokenId: row.id, name: row.name, scopes: row.scopes.filter((s): s is ServiceScope => SERVICE_SCOPE_NAMES.includes(s as ServiceScope)) };
    },

    /** Records a token's use (the caller calls it at most once a minute per token). */
    async touch(id: string) {
      await db.serviceToken.updateMany({ where: { id }, data: { lastUsedAt: now() } });
    },
  };
}
export type ServiceTokenService = ReturnType<typeof serviceTokenService>;
