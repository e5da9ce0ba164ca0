// Keyway's migration runner: committed SQL under prisma/migrations, applied through Prisma's WASM
// schema engine (so the standard `_prisma_migrations` table is written and a stock
// `prisma migrate deploy` elsewhere agrees with us), and new migrations authored by diffing the
// schema of the last migration (a snapshot kept beside the migrations) against schema.prisma.
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { openSchemaEngine } from "./engine.ts";

export const prismaDir = path.resolve(import.meta.dirname, "../../../../prisma");
export const migrationsDir = path.join(prismaDir, "migrations");
export const schemaPath = path.join(prismaDir, "schema.prisma");
/** The datamodel the committed migrations produce; `new` diffs from it. Not a .prisma file on purpose. */
export const snapshotPath = path.join(migrationsDir, "schema.snapshot");

const noFilters = { externalTables: [], externalEnums: [] };

export async function readMigrationList(dir = migrationsDir): Promise<MigrationList> {
  const entries = existsSync(dir) ? await readdir(dir, { withFileTypes: true }) : [];
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      folders.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok" as const, value: await readFile(path.join(dir, name, "migration.sql"), "utf8") },
        },
      })),
    ),
  };
}

/** The same server's `postgres` database, which always exists. */
function maintenanceUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  return admin.toString();
}

/** Creates the database named in `url` when it does not exist yet (connects to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL names no database");
  const client = new pg.Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // Two processes may race to create it; the loser sees a duplicate.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await client.end();
  }
}

/** Applies every committed migration not yet applied. Returns the names it applied. */
export async function deployMigrations(url: string, dir = migrationsDir): Promise<string[]> {
  await ensureDatabase(url);
  const engine = await openSchemaEngine(url, await readFile(schemaPath, "utf8"));
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrationList(dir),
      filters: noFilters,
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** The SQL that takes a database from the `from` datamodel (empty when null) to the `to` datamodel. */
export async function diffDatamodels(url: string, from: string | null, to: string): Promise<string> {
  // Diffing two datamodels reads no tables, but the engine opens its adapter's connection.
  const engine = await openSchemaEngine(maintenanceUrl(url), to);
  try {
    const datamodel = (content: string) => ({ tag: "schemaDatamodel" as const, files: [{ path: "schema.prisma", content }] });
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : datamodel(from),
      to: datamodel(to),
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}

export function isEmptyMigration(sql: string): boolean {
  return sql.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("--"));
}

/** Writes prisma/migrations/<timestamp>_<name>/migration.sql from the schema change. */
export async function createMigration(url: string, name: string, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]{1,60}$/.test(name)) throw new Error("migration name: use 1-60 of a-z, 0-9 and _");
  const schema = await readFile(schemaPath, "utf8");
  const previous = existsSync(snapshotPath) ? await readFile(snapshotPath, "utf8") : null;
  const sql = await diffDatamodels(url, previous, schema);
  if (isEmptyMigration(sql)) return null;
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "migration.sql"), sql);
  await writeFile(snapshotPath, schema);
  const lock = path.join(migrationsDir, "migration_lock.toml");
  if (!existsSync(lock)) {
    await writeFile(lock, '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
  }
  return folder;
}
