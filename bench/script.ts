// pnpm bench:script [file] — Redis's own time for the limit script, per request, as the API server
// calls it: batches of 10 requests over 10,000 keys each used ~100 times (redis-benchmark, 1M
// requests), timed by Redis itself (INFO commandstats). [file]: another version of the script to
// compare, a module whose default export is its text (e.g. one written by `git show
// <rev>:packages/redis/src/lua/limit.ts > /tmp/old.ts`). Uses REDIS_URL, under a key prefix of its
// own that it deletes afterwards; it resets that Redis's command statistics.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { LIMIT_SCRIPT } from "@keyway/redis";
import { redisCliTarget } from "./fixtures.ts";
import { deleteRedisPrefix } from "../scripts/lib/cleanup.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const target = redisCliTarget(url);
const file = process.argv[2];
const lua = file ? ((await import(path.resolve(file))) as { default: string }).default : LIMIT_SCRIPT;
const prefix = `benchscript:${randomBytes(3).toString("hex")}:`;
const BATCH = 10;
const cli = (...args: string[]) => execFileSync("redis-cli", [...target, ...args]).toString().trim();

const sha = cli("SCRIPT", "LOAD", lua);
const keys: string[] = [];
const args: string[] = [];
for (let i = 0; i < BATCH; i++) {
  keys.push(`${prefix}rl:{__rand_int__}`, `${prefix}u:{__rand_int__}`);
  args.push("100000000", "100000000", "100000000", "100000000", "1", "0"); // limits never reached, cost 1, decide and count
}
const rows: string[] = [];
for (let run = 1; run <= 3; run++) {
  cli("CONFIG", "RESETSTAT");
  execFileSync("redis-benchmark", [...target, "-n", "100000", "-c", "20", "-P", "4", "-r", "10000", "--csv",
    "EVALSHA", sha, String(BATCH * 2), ...keys, "", "604800000", ...args]);
  const stat = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(cli("INFO", "commandstats"))!;
  rows.push(`| ${run} | ${stat[1]} | ${(Number(stat[2]) / Number(stat[1]) / BATCH).toFixed(2)} |`);
}
await deleteRedisPrefix(url, prefix);
console.log(`limit script ${file ?? "(current)"}: ${BATCH} requests a call, 10,000 keys\n\n| run | calls | Redis µs per request |\n|---:|---:|---:|\n${rows.join("\n")}`);
