// One isolated database and Redis prefix per integration run, on the real local servers
// (or the ones DATABASE_URL / REDIS_URL name). Dropped and deleted when the run ends.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { deployMigrations } from "@keyway/db/migrate";
import { dropTestDatabase, deleteRedisPrefix } from "../scripts/lib/cleanup.ts";
import { startMailCatcher } from "../scripts/lib/mail-catcher.ts";

import "./provided.ts";

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const base = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/keyway_test_${runId}`;
  const databaseUrl = base.toString();
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redisPrefix = `kwtest:${runId}:`;
  await deployMigrations(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", redisPrefix);
  // The test command's catcher when it started one, else one of this run's own.
  const given = process.env.SMTP_URL && process.env.KEYWAY_MAIL_API ? { url: process.env.SMTP_URL, webUrl: process.env.KEYWAY_MAIL_API, stop: async () => {} } : null;
  const mail = given ?? (await startMailCatcher());
  project.provide("smtpUrl", mail.url);
  project.provide("mailApiUrl", mail.webUrl);
  return async () => {
    await mail.stop();
    await dropTestDatabase(databaseUrl);
    await deleteRedisPrefix(redisUrl, redisPrefix);
  };
}
