// The workspaces migration on a database that has lived under the previous schema: users with
// their tiers and keys made the old way, then the migration; every key still verifies, now in its
// owner's personal workspace on the tier the owner had.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { generateKey, hashKey } from "@keyway/core";
import { deployMigrations, migrationsDir } from "@keyway/db/migrate";
import { dropTestDatabase } from "../scripts/lib/cleanup.ts";
import { testDatabaseUrl, testServices } from "./support.ts";

const MIGRATION = "20261201110352_workspaces";
const url = Object.assign(new URL(testDatabaseUrl()), { pathname: new URL(testDatabaseUrl()).pathname + "_ws_upgrade" }).toString();
let before = "";
afterAll(async () => {
  await dropTestDatabase(url);
  if (before) await rm(before, { recursive: true, force: true });
});

describe(`migration ${MIGRATION}`, () => {
  it("moves every user's keys into a personal workspace on their tier, and every key still verifies", async () => {
    // The migrations up to the one before it, as a deployment still on the previous release has.
    before = await mkdtemp(path.join(tmpdir(), "keyway-migrations-"));
    for (const name of await readdir(migrationsDir)) if (name < MIGRATION || !/^\d/.test(name)) await cp(path.join(migrationsDir, name), path.join(before, name), { recursive: true });
    expect(await deployMigrations(url, before)).not.toContain(MIGRATION);

    const users = [
      { id: "user_pro", email: "pro@example.test", tier: "pro" },
      { id: "user_free", email: "free@example.test", tier: "free" },
    ];
    const keys = [generateKey("pro"), generateKey("pro"), generateKey("free")];
    const owners = ["user_pro", "user_pro", "user_free"];
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const u of users) {
        await client.query(`INSERT INTO "User" (id, email, "tierName", "emailVerified", "updatedAt") VALUES ($1, $2, $3, now(), now())`, [u.id, u.email, u.tier]);
      }
      for (const [i, k] of keys.entries()) {
        await client.query(`INSERT INTO "ApiKey" (id, "userId", name, prefix, hash, "tierAtCreation", "updatedAt") VALUES ($1, $2, $3, $4, $5, 'pro', now())`, [
          k.id, owners[i], `key ${i}`, k.prefix, hashKey(k.key),
        ]);
      }
    } finally {
      await client.end();
    }

    expect((await deployMigrations(url))[0]).toBe(MIGRATION);

    const services = testServices({ DATABASE_URL: url });
    try {
      for (const [i, k] of keys.entries()) {
        const result = await services.verifier.verify(k.key);
        expect(result.valid, `key ${i}`).toBe(true);
        if (!result.valid) continue;
        expect(result.ownerId).toBe(owners[i]);
        expect(result.workspace).toMatchObject({ name: "Personal", plan: owners[i] === "user_pro" ? "pro" : "free" });
        expect(result.limits.minute).toBe(owners[i] === "user_pro" ? 100 : 10);
      }
      // One personal workspace each, owned by its user, holding exactly that user's keys.
      for (const u of users) {
        const memberships = await services.db.membership.findMany({ where: { userId: u.id }, include: { workspace: { include: { keys: true } } } });
        expect(memberships).toHaveLength(1);
        expect(memberships[0]).toMatchObject({ role: "owner", workspace: { personal: true, tierName: u.tier } });
        expect(memberships[0]!.workspace.keys.map((k) => k.userId)).toEqual(owners.filter((o) => o === u.id));
      }
    } finally {
      await services.close();
    }
  });
});
