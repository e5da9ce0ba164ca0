#!/usr/bin/env node
// Entry point of the README's commands (`npm start`, `npm test`). Needs only Node and npm:
// it installs the pinned pnpm when missing, installs dependencies, then hands over to
// scripts/run.ts, which brings up PostgreSQL and Redis, migrates, seeds and starts or tests.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, "");
const command = process.argv[2] ?? "start";

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...options });
  return result.status ?? 1;
}

function findPnpm() {
  const local = path.join(root, ".keyway", "tools", "node_modules", ".bin", "pnpm");
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return "pnpm";
  if (existsSync(local)) return local;
  console.log(`keyway: installing pnpm ${pnpmVersion} into .keyway/tools (one time)`);
  const status = run("npm", ["install", "--no-save", "--prefix", path.join(root, ".keyway", "tools"), `pnpm@${pnpmVersion}`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (status !== 0 || !existsSync(local)) {
    console.error("keyway: could not install pnpm with npm; install it with `npm i -g pnpm@" + pnpmVersion + "`");
    process.exit(1);
  }
  return local;
}

const pnpm = findPnpm();
// Everything started from here (turbo, Playwright's web server) finds this pnpm as `pnpm`.
if (pnpm !== "pnpm") process.env.PATH = `${path.dirname(pnpm)}${path.delimiter}${process.env.PATH}`;
const install = run(pnpm, ["install", "--frozen-lockfile", "--reporter=append-only"], {
  env: { ...process.env, CI: "true" },
});
if (install !== 0) process.exit(install);

const tsx = path.join(root, "node_modules", ".bin", "tsx");
const child = spawn(tsx, [path.join(root, "scripts", "run.ts"), command, ...process.argv.slice(3)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, KEYWAY_PNPM: pnpm },
});
// SIGTERM or SIGINT to this process reaches run.ts, which stops what it started (tsx passes
// signals on to the script it runs).
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
