// The audit log as CSV (RFC 4180), newest first, streamed page by page.
import type { AdminService, AuditFilter } from "@keyway/db";

const COLUMNS = ["id", "at", "actor_email", "actor_id", "actor_role", "action", "target_user_email", "target_user_id", "target_key_prefix", "target_workspace_id", "target_workspace_name", "before", "after", "ip"] as const;

/**
 * One CSV field. Quoted when it holds a comma, quote or line break; a leading = + - @ (or tab/CR)
 * gets a ' so a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Lines of the CSV (header first), each ending in CRLF; at most `limit` rows. */
export async function* auditCsv(audit: AdminService["audit"], filter: AuditFilter, limit = 100_000): AsyncGenerator<string> {
  yield COLUMNS.join(",") + "\r\n";
  let before: bigint | undefined;
  let sent = 0;
  while (sent < limit) {
    const page = await audit.list({ ...filter, before, take: Math.min(1_000, limit - sent) });
    let chunk = "";
    for (const r of page.rows) {
      chunk += [r.id, r.at, r.actorEmail, r.actorId, r.actorRole, r.action, r.targetUserEmail, r.targetUserId, r.targetKeyPrefix, r.targetWorkspaceId, r.targetWorkspaceName, r.before, r.after, r.ip].map(csvField).join(",") + "\r\n";
    }
    if (chunk) yield chunk;
    sent += page.rows.length;
    if (!page.next) return;
    before = BigInt(page.next);
  }
}
