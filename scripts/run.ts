// The README's two commands after dependencies are installed (see keyway.mjs):
//   start  services -> migrations -> demo data -> build -> portal on PORT (default 3000)
//   test   typecheck + lint -> its own database and Redis prefix -> unit, integration, browser tests
import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { ConfigError, loadConfig } from "@keyway/core";
import { deployMigrations } from "@keyway/db/migrate";
import { describeDbError } from "@keyway/db";
import { ensureDevSecrets, loadEnvFile } from "./lib/dotenv.ts";
import { reachable, resolvePostgres, resolveRedis, root, ServiceMissingError, type Started } from "./lib/services.ts";
import { dropTestDatabase, deleteRedisPrefix } from "./lib/cleanup.ts";
import { API_NODE_FLAGS } from "../apps/api/src/node-flags.ts";

const command = process.argv[2] ?? "start";
const pnpm = process.env.KEYWAY_PNPM ?? "pnpm";
const env = process.env;
env.TURBO_TELEMETRY_DISABLED = "1";
env.NEXT_TELEMETRY_DISABLED = "1";
const started: Started[] = [];

function fail(message: string): never {
  console.error(`keyway: ${message}`);
  process.exit(1);
}

function step(cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (result.status !== 0) throw new StepFailed(`${[cmd, ...args].join(" ")} exited with ${result.status}`);
}
class StepFailed extends Error {}
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

async function stopAll() {
  for (const s of started.reverse()) await s.stop().catch(() => {});
}

async function services(database: string) {
  loadEnvFile(path.join(root, ".env"), env);
  const secretsFile = ensureDevSecrets(path.join(root, ".keyway"), env);
  try {
    const pg = await resolvePostgres(env, database);
    started.push(pg);
    const redis = await resolveRedis(env);
    started.push(redis);
    env.DATABASE_URL = pg.url;
    env.REDIS_URL = redis.url;
    // The CLI finds the servers this run uses (they may be on ports chosen now).
    if (command !== "test") writeFileSync(path.join(root, ".keyway", "runtime.env"), `DATABASE_URL=${pg.url}\nREDIS_URL=${redis.url}\n`);
    const config = loadConfig(env);
    await deployMigrations(config.DATABASE_URL);
    return { pg, redis, config, secretsFile };
  } catch (error) {
    await stopAll();
    if (error instanceof ConfigError) fail(error.message);
    if (error instanceof ServiceMissingError) fail(error.message);
    fail(`database: ${describeDbError(error)}`);
  }
}

function ensureChromium(): void {
  if (existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() !== 0) fail("browser tests need Chromium: run `sudo apt-get install -y chromium`");
  console.log("keyway: installing Debian's chromium for the browser tests (one time)");
  step("apt-get", ["update", "-qq"]);
  step("apt-get", ["install", "-y", "-qq", "chromium"], { DEBIAN_FRONTEND: "noninteractive" });
}

async function start(dev: boolean) {
  const port = env.PORT ?? "3000";
  env.PUBLIC_URL ??= `http://localhost:${port}`;
  if (await reachable("127.0.0.1", Number(port))) fail(`port ${port} is already in use: stop what runs there, or set PORT`);
  const apiPort = env.API_PORT ?? "3001";
  if (await reachable("127.0.0.1", Number(apiPort))) fail(`port ${apiPort} is already in use: stop what runs there, or set API_PORT`);
  const { pg, redis, secretsFile } = await services("keyway");
  env.NEXTAUTH_URL = env.PUBLIC_URL;
  step(bin("tsx"), ["prisma/seed.ts"]);
  if (!dev) step(pnpm, ["exec", "turbo", "run", "build", "--filter=@keyway/portal", "--output-logs=errors-only"]);
  const portal = spawn(pnpm, ["--filter", "@keyway/portal", dev ? "dev" : "start", "--port", port], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env,
  });
  // The public API without Next.js in the path (same handler as the portal's /api/v1).
  const api = spawn(process.execPath, [...API_NODE_FLAGS, "--import", "tsx", path.join(root, "apps", "api", "src", "main.ts")], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...env, API_PORT: apiPort },
  });
  console.log(
    [
      "",
      `Keyway is starting on ${env.PUBLIC_URL}`,
      `  PostgreSQL: ${pg.origin}`,
      `  Redis:      ${redis.origin}`,
      `  Sign in as the demo developer: dev@keyway.local / keyway-dev-pass`,
      `          or the demo admin:     admin@keyway.local / keyway-admin-pass`,
      `  Service token for /api/v1/keys/verify: KEYWAY_SERVICE_TOKEN in ${path.relative(root, secretsFile)}`,
      `  Health: ${env.PUBLIC_URL}/api/health`,
      `  Public API server: http://localhost:${apiPort}/api/v1/echo (metrics: /metrics)`,
      "",
    ].join("\n"),
  );
  const shutdown = () => {
    portal.kill("SIGTERM");
    api.kill("SIGTERM");
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // Either one stopping stops both.
  const code = await new Promise<number>((resolve) => {
    portal.on("exit", (c) => resolve(c ?? 0));
    api.on("exit", (c) => resolve(c ?? 0));
  });
  shutdown();
  await stopAll();
  process.exit(code);
}

async function test() {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const database = `keyway_test_${runId}`;
  const prefix = `kwtest:${runId}:`;
  // While developing: KEYWAY_TEST_ONLY=vitest|e2e runs one suite, passing further arguments to it.
  const only = env.KEYWAY_TEST_ONLY;
  if (only && only !== "vitest" && only !== "e2e") fail("KEYWAY_TEST_ONLY must be vitest or e2e");
  const extra = only ? process.argv.slice(3) : [];
  if (!only) {
    step(pnpm, ["exec", "turbo", "run", "typecheck", "lint", "--output-logs=errors-only"]);
    step(bin("tsc"), ["-p", "tsconfig.json"]);
    step(bin("eslint"), ["scripts", "test", "e2e", "prisma"]);
  }
  env.REDIS_KEY_PREFIX = prefix;
  env.NODE_ENV = "test";
  env.PORT = "3107";
  env.PUBLIC_URL = `http://localhost:${env.PORT}`;
  env.NEXTAUTH_URL = env.PUBLIC_URL;
  // Tests never touch the developer's own database, whatever DATABASE_URL says.
  const devUrl = env.DATABASE_URL;
  if (devUrl) env.DATABASE_URL = Object.assign(new URL(devUrl), { pathname: `/${database}` }).toString();
  const { config } = await services(database);
  let failed = false;
  try {
    step(bin("tsx"), ["prisma/seed.ts"]);
    if (only !== "e2e") {
      if (extra.length > 0) step(bin("vitest"), ["run", ...extra]);
      else {
        step(bin("vitest"), ["run", "--project", "unit", "--project", "integration"]);
        // Faults under load run alone: their latency figures must not share the CPU with other tests.
        step(bin("vitest"), ["run", "--project", "chaos"]);
      }
    }
    if (only !== "vitest") {
      ensureChromium();
      step(pnpm, ["exec", "turbo", "run", "build", "--filter=@keyway/portal", "--output-logs=errors-only"]);
      step(bin("playwright"), ["test", ...extra]);
    }
  } catch (error) {
    failed = true;
    console.error(`keyway: ${error instanceof StepFailed ? error.message : describeDbError(error)}`);
  } finally {
    await dropTestDatabase(config.DATABASE_URL).catch((e) => console.error(`keyway: cleanup: ${describeDbError(e)}`));
    await deleteRedisPrefix(config.REDIS_URL, prefix).catch(() => {});
    await stopAll();
  }
  process.exit(failed ? 1 : 0);
}

try {
  if (command === "start") await start(false);
  else if (command === "dev") await start(true);
  else if (command === "test") await test();
  else fail(`unknown command ${command} (start, dev or test)`);
} catch (error) {
  await stopAll();
  fail(error instanceof Error ? error.message : String(error));
}
