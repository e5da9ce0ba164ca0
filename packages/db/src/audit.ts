// The audit log: one row per key, workspace or admin change, written in the same transaction as the change.
// Rows are only ever inserted; the application has no update or delete path for them.
import type { Prisma } from "./generated/prisma/client.ts";

export interface Actor {
  id: string | null;
  /** "anonymous": a request made before sign-in (a failed sign-in attempt). */
  role: "developer" | "admin" | "system" | "cli" | "anonymous" | "service";
  /** A service token's name (role "service"): who acted, in the audit log. */
  name?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  action: string;
  targetUserId?: string | null;
  targetKeyId?: string | null;
  targetKeyPrefix?: string | null;
  targetWorkspaceId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

export async function writeAudit(tx: Prisma.TransactionClient, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: actor.id,
      actorRole: actor.role,
      actorName: actor.name?.slice(0, 100) ?? null,
      action: entry.action,
      targetUserId: entry.targetUserId ?? null,
      targetKeyId: entry.targetKeyId ?? null,
      targetKeyPrefix: entry.targetKeyPrefix ?? null,
      targetWorkspaceId: entry.targetWorkspaceId ?? null,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
      ip: actor.ip?.slice(0, 64) ?? null,
      userAgent: actor.userAgent?.slice(0, 256) ?? null,
    },
  });
}
