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
import { startMailCatcher } from "./lib/mail-catcher.ts";
import { API_NODE_FLAGS } from "../apps/gateway/src/node-flags.ts";

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
    // Mail really leaves: to SMTP_URL, else to a local catcher (maildev) whose web UI shows it.
    let mailOrigin = "SMTP_URL";
    let mailWeb: string | null = null;
    if (!env.SMTP_URL) {
      const catcher = command === "test" ? await startMailCatcher() : await localMailCatcher();
      started.push(catcher);
      env.SMTP_URL = catcher.url;
      env.KEYWAY_MAIL_API = catcher.webUrl;
      mailOrigin = catcher.origin;
      mailWeb = catcher.webUrl.replace("127.0.0.1", "localhost");
    }
    env.DATABASE_URL = pg.url;
    env.REDIS_URL = redis.url;
    // The CLI finds the servers this run uses (they may be on ports chosen now).
    if (command !== "test") writeFileSync(path.join(root, ".keyway", "runtime.env"), `DATABASE_URL=${pg.url}\nREDIS_URL=${redis.url}\n`);
    const config = loadConfig(env);
    await deployMigrations(config.DATABASE_URL);
    return { pg, redis, config, secretsFile, mail: { origin: mailOrigin, web: mailWeb } };
  } catch (error) {
    await stopAll();
    if (error instanceof ConfigError) fail(error.message);
    if (error instanceof ServiceMissingError) fail(error.message);
    fail(`database: ${describeDbError(error)}`);
  }
}

/** The start command's catcher on its usual ports (1025, web 1080), or the one already running there. */
async function localMailCatcher() {
  if ((await reachable("127.0.0.1", 1025)) && (await reachable("127.0.0.1", 1080))) {
    return { url: "smtp://127.0.0.1:1025", webUrl: "http://127.0.0.1:1080", origin: "the mail catcher already on 127.0.0.1:1025", stop: async () => {} };
  }
  return startMailCatcher({ smtp: 1025, web: 1080 });
}

/** A Debian package the tests need (Chromium for the browser tests, prometheus for promtool), installed when missing. */
function ensureDebianTool(file: string, pkg: string, why: string): void {
  if (existsSync(file)) return;
  if (process.getuid?.() !== 0) fail(`${why} need ${file}: run \`sudo apt-get install -y ${pkg}\``);
  console.log(`keyway: installing Debian's ${pkg} for ${why} (one time)`);
  step("apt-get", ["update", "-qq"]);
  step("apt-get", ["install", "-y", "-qq", pkg], { DEBIAN_FRONTEND: "noninteractive" });
}

async function start(dev: boolean) {
  const port = env.PORT ?? "3000";
  env.PUBLIC_URL ??= `http://localhost:${port}`;
  if (await reachable("127.0.0.1", Number(port))) fail(`port ${port} is already in use: stop what runs there, or set PORT`);
  const apiPort = env.API_PORT ?? "3001";
  if (await reachable("127.0.0.1", Number(apiPort))) fail(`port ${apiPort} is already in use: stop what runs there, or set API_PORT`);
  const { pg, redis, secretsFile, mail } = await services("keyway");
  env.HOST ??= "127.0.0.1";
  const seeded = spawnSync(bin("tsx"), ["prisma/seed.ts"], { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (seeded.status !== 0) fail("the demo data could not be written (see above)");
  const demo = (JSON.parse(seeded.stdout.trim().split("\n").at(-1) ?? "{}") as { demoUsers?: { email: string; password: string; role: string }[] | string }).demoUsers;
  if (!dev) step(pnpm, ["exec", "turbo", "run", "build", "--filter=@keyway/portal", "--filter=@keyway/gateway", "--output-logs=errors-only"]);
  const children = [
    // Started directly (not through pnpm), so the signals below reach the server itself.
    spawn(process.execPath, ["server.mjs", ...(dev ? ["--dev"] : []), "--port", port], {
      cwd: path.join(root, "apps", "portal"),
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...env, NODE_ENV: dev ? "development" : "production" },
    }),
    // The public API without Next.js in the path (same handler as the portal's /api/v1): compiled
    // to JavaScript for a start, from source with tsx for the dev command.
    spawn(process.execPath, [...API_NODE_FLAGS, ...(dev ? ["--import", "tsx", path.join(root, "apps", "gateway", "src", "main.ts")] : [path.join(root, "apps", "gateway", "dist", "main.js")])], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...env, API_PORT: apiPort },
    }),
  ];
  const secrets = path.relative(root, secretsFile);
  console.log(
    [
      "",
      `Keyway is starting on ${env.PUBLIC_URL} (listening on ${env.HOST})`,
      `  PostgreSQL: ${pg.origin}`,
      `  Redis:      ${redis.origin}`,
      `  Mail:       ${mail.origin}${mail.web ? ` — read it at ${mail.web}` : ""}`,
      ...(Array.isArray(demo) && demo.length > 0
        ? ["  Demo accounts, created now (the passwords are kept in " + secrets + "):", ...demo.map((u) => `    ${u.role.padEnd(9)} ${u.email} / ${u.password}`)]
        : [`  Demo accounts: dev@keyway.local and admin@keyway.local if this database began with them (passwords in ${secrets})`]),
      `  Service token for /api/v1/keys/verify: KEYWAY_SERVICE_TOKEN in ${secrets}`,
      `  Health: ${env.PUBLIC_URL}/api/health`,
      `  Public API server: http://localhost:${apiPort}/api/v1/echo (metrics: http://127.0.0.1:${env.METRICS_PORT ?? 9464}/metrics)`,
      "",
    ].join("\n"),
  );
  // SIGINT or SIGTERM to this process stops everything it started, then the services it started.
  const shutdown = () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // Either one stopping stops both.
  const code = await new Promise<number>((resolve) => {
    for (const child of children) child.on("exit", (c) => resolve(c ?? 0));
  });
  shutdown();
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : null)));
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
  // Tests never touch the developer's own database, whatever DATABASE_URL says.
  const devUrl = env.DATABASE_URL;
  if (devUrl) env.DATABASE_URL = Object.assign(new URL(devUrl), { pathname: `/${database}` }).toString();
  if (only !== "e2e") ensureDebianTool("/usr/bin/promtool", "prometheus", "the metrics test");
  // The test build goes to its own folder: a running `npm start` keeps serving its own .next.
  env.KEYWAY_NEXT_DIST_DIR = ".next-test";
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
      ensureDebianTool("/usr/bin/chromium", "chromium", "the browser tests");
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
