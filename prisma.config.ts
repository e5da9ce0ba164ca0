import { defineConfig } from "prisma/config";

// Used by the stock Prisma CLI (e.g. `prisma migrate deploy` on a machine that can download
// engines). Keyway's own scripts do not need it: see packages/db/src/migrate.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/keyway" },
});
