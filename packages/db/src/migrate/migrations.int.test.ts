import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "../../../../test/env.ts";
import { deployMigrations, diffDatamodels, ensureDatabase, schemaPath } from "./index.ts";
import { dropTestDatabase } from "../../../../scripts/lib/cleanup.ts";

/** Objects only raw SQL in a migration can make (schema.prisma cannot say "unique where pending"). */
const RAW_SQL_ONLY = ["Invitation_one_pending_idx"];

/** Everything that makes up a schema, in a comparable form. */
async function catalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows;
    return {
      columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        ORDER BY table_name, column_name`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' AND indexname <> ALL($1) ORDER BY indexname`, [RAW_SQL_ONLY]),
      constraints: await q(`SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations' ORDER BY c.conname`),
      enums: await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`),
    };
  } finally {
    await client.end();
  }
}

describe("committed migrations", () => {
  const migrated = testDatabaseUrl();
  const fromSchema = Object.assign(new URL(migrated), { pathname: new URL(migrated).pathname + "_schema" }).toString();
  afterAll(() => dropTestDatabase(fromSchema));

  it("produce exactly the schema in schema.prisma (no drift)", async () => {
    await ensureDatabase(fromSchema);
    const sql = await diffDatamodels(fromSchema, null, await readFile(schemaPath, "utf8"));
    const client = new pg.Client({ connectionString: fromSchema });
    await client.connect();
    await client.query(sql);
    await client.end();

    const [a, b] = await Promise.all([catalog(migrated), catalog(fromSchema)]);
    expect(a.columns.length).toBeGreaterThan(20);
    expect(a).toEqual(b);
  });

  it("are idempotent: deploying again applies nothing", async () => {
    expect(await deployMigrations(migrated)).toEqual([]);
  });

  it("seed the three plans with the original service's limits", async () => {
    const client = new pg.Client({ connectionString: migrated });
    await client.connect();
    const { rows } = await client.query(`SELECT name, "perMinute", "perHour", "perDay", "perMonth" FROM "Tier" WHERE name IN ('free', 'pro', 'enterprise') ORDER BY "perMonth"`);
    await client.end();
    expect(rows).toEqual([
      { name: "free", perMinute: 10, perHour: 100, perDay: 1000, perMonth: 10000 },
      { name: "pro", perMinute: 100, perHour: 2000, perDay: 25000, perMonth: 500000 },
      { name: "enterprise", perMinute: 1000, perHour: 10000, perDay: 100000, perMonth: 2000000 },
    ]);
  });
});
