// pnpm bench:script [file] — Redis's own time for the limit script, per request, as the API server
// calls it: batches of 10 requests over 10,000 keys each used ~100 times (redis-benchmark, 1M
// requests), timed by Redis itself (INFO commandstats). [file]: another version of the script to
// compare, a module whose default export is its text (e.g. one written by `git show
// <rev>:packages/redis/src/lua/limit.ts > /tmp/old.ts`). BENCH_SCOPES: 2 (default: a key with its
// own limits and its workspace's plan) or 1 (a key with only its workspace's); BENCH_SCOPES=v1 for a
// script from before scopes (one key, no scope count in its arguments). BENCH_RECENT: "note" (default:
// each request carries a client address, so the script records it in the key's recent
// verifications, as the API server calls it), "none" (no note: nothing recorded) or "v2" (a script
// from before recent verifications, without their arguments). BENCH_CREDITS: "none" (default: no
// credit pool, the pool count 0), "key" (each request takes its cost from its key's balance) or
// "v3" (a script from before credits, without the pool count). Uses REDIS_URL, under a key
// prefix of its own that it deletes afterwards; it resets that Redis's command statistics.
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
const scopes = process.env.BENCH_SCOPES ?? "2";
const recent = process.env.BENCH_RECENT ?? "note";
const note = recent === "note" ? ["kw|203.0.113.7"] : recent === "none" ? [""] : [];
const credits = process.env.BENCH_CREDITS ?? "none";
// after the mode: the pool count, then per pool its version, refill amount, interval and stored
// balance (given each time: Redis takes it once, on a key's first request)
const pools = credits === "v3" || recent === "v2" ? [] : credits === "key" ? ["1", "1", "0", "0", "1000000000:0:1:0"] : ["0"];
const limits = ["100000000", "100000000", "100000000", "100000000"]; // never reached
const keys: string[] = [];
const args: string[] = [];
for (let i = 0; i < BATCH; i++) {
  if (scopes === "v1") {
    keys.push(`${prefix}rl:{__rand_int__}`, `${prefix}u:{__rand_int__}`);
    args.push(...limits, "1", "0"); // cost 1, decide and count
  } else {
    // a workspace's state, the key's own (two scopes), the key's usage hash and recent verifications
    keys.push(`${prefix}rw:{__rand_int__}`, ...(scopes === "2" ? [`${prefix}rl:{__rand_int__}:k`] : []), `${prefix}u:{__rand_int__}:k`, ...(recent === "v2" ? [] : [`${prefix}vr:{__rand_int__}:k`]),
      ...(credits === "key" ? [`${prefix}cr:{__rand_int__}:k`] : []));
    args.push(scopes, ...limits, ...(scopes === "2" ? limits : []), "1", ...note, "0", ...pools);
  }
}
const rows: string[] = [];
for (let run = 1; run <= 3; run++) {
  cli("CONFIG", "RESETSTAT");
  execFileSync("redis-benchmark", [...target, "-n", "100000", "-c", "20", "-P", "4", "-r", "10000", "--csv",
    "EVALSHA", sha, String(keys.length), ...keys, "", "604800000", ...(recent === "v2" || scopes === "v1" ? [] : ["100"]), ...args]);
  const stat = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(cli("INFO", "commandstats"))!;
  rows.push(`| ${run} | ${stat[1]} | ${(Number(stat[2]) / Number(stat[1]) / BATCH).toFixed(2)} |`);
}
await deleteRedisPrefix(url, prefix);
console.log(`limit script ${file ?? "(current)"}, ${scopes === "v1" ? "one key" : `${scopes} scope(s)`}, recent verifications: ${recent}, credits: ${credits}: ${BATCH} requests a call, 10,000 keys\n\n| run | calls | Redis µs per request |\n|---:|---:|---:|\n${rows.join("\n")}`);
