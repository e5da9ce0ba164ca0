/** A one-line, secret-free description of a database connection or query failure. */
export function describeDbError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e?.code) {
    case "ECONNREFUSED":
      return "cannot reach PostgreSQL (connection refused): is it running at the host and port in DATABASE_URL?";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "cannot resolve the PostgreSQL host in DATABASE_URL";
    case "28P01":
    case "28000":
      return "PostgreSQL refused the credentials in DATABASE_URL";
    case "3D000":
      return "the database named in DATABASE_URL does not exist";
    case "ERR_INVALID_URL":
      return "DATABASE_URL is not a valid postgresql:// URL";
    case "P2021":
    case "P2022":
      return "the database schema is behind this version of Keyway: run `pnpm db:migrate` (the start command does it)";
  }
  const first = String(e?.message ?? error).split("\n").find((line) => line.trim() !== "") ?? "unknown error";
  return first.replace(/postgres(ql)?:\/\/[^\s]*/g, "postgresql://…");
}

/** The stable codes of refusals the domain makes; each reaches clients with a one-line message. */
export type DomainErrorCode =
  | "NOT_FOUND"
  | "KEY_LIMIT_REACHED"
  | "ALREADY_REVOKED"
  | "ALREADY_ROLLED"
  | "INVALID_TIER"
  | "INVALID_INPUT"
  | "TIER_EXISTS"
  | "TIER_IN_USE"
  | "LAST_ADMIN"
  | "EMAIL_NOT_VERIFIED"
  | "EMAIL_TAKEN"
  | "INVALID_TOKEN"
  | "WRONG_PASSWORD"
  | "SECOND_FACTOR_REQUIRED"
  | "MAIL_UNAVAILABLE"
  | "ROLE_REQUIRED"
  | "LAST_OWNER"
  | "PERSONAL_WORKSPACE"
  | "WORKSPACE_LIMIT_REACHED"
  | "ALREADY_MEMBER"
  | "INVITATION_LIMIT_REACHED"
  | "WRONG_ACCOUNT"
  | "LIMIT_ABOVE_PLAN"
  | "EXTERNAL_ID_TAKEN"
  | "UNKNOWN_PERMISSION"
  | "UNKNOWN_ROLE"
  | "PERMISSION_EXISTS"
  | "LIFETIME_ABOVE_PLAN";

/**
 * Checked by name, not instanceof: Next bundles each route with its own copy of this module while
 * the services (built once per process) may come from another copy.
 */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof Error && error.name === "DomainError" && "code" in error;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field the refusal is about ("limits.day", "externalId"), for a form to show it beside that field. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}
