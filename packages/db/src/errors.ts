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
