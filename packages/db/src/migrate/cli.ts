// pnpm db:migrate            apply committed migrations to DATABASE_URL
// pnpm db:migration:new NAME write a migration for the change in prisma/schema.prisma
import path from "node:path";
import { createMigration, deployMigrations } from "./index.ts";
import { describeDbError } from "../errors.ts";

const [command, name] = process.argv.slice(2);
const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/keyway";
try {
  if (command === "deploy") {
    const applied = await deployMigrations(url);
    console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
  } else if (command === "new") {
    if (!name) throw new Error("usage: pnpm db:migration:new <name>");
    const folder = await createMigration(url, name);
    console.log(folder ? `wrote ${path.relative(process.cwd(), folder)}/migration.sql` : "schema.prisma has no changes");
  } else {
    throw new Error("usage: cli.ts deploy | new <name>");
  }
} catch (error) {
  console.error(`migrate: ${describeDbError(error)}`);
  process.exit(1);
}
// The engine's driver keeps idle sockets for a while; we are done.
process.exit(0);
