// Runs `prisma generate` without Prisma's engine download.
// The CLI insists that PRISMA_SCHEMA_ENGINE_BINARY names an existing executable, but generate never
// runs it (the client is WASM-compiled and talks to PostgreSQL through @prisma/adapter-pg), so we
// point it at node itself. Migrations go through the WASM schema engine (packages/db/src/migrate).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
if (!existsSync(cli)) {
  console.error("prisma-generate: the prisma package is not installed (run pnpm install)");
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, "generate", "--schema", "prisma/schema.prisma"], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
if (result.status !== 0) {
  process.stderr.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.status ?? 1);
}
console.log("prisma-generate: client written to packages/db/src/generated/prisma");
