// pnpm bench:flush — what one usage flush pass costs: BENCH_KEYS keys (10,000) each used in the
// current minute, moved from Redis to PostgreSQL by the real flusher, BENCH_ROUNDS times (the
// first pass inserts the buckets, later ones update them, as on a busy platform every 15 s).
// Per pass: wall time, and the CPU of the flusher (this process), PostgreSQL and Redis in ms.
import { execFileSync } from "node:child_process";
import { generateKey, hashKey, loadConfig } from "@keyway/core";
import { createDb } from "@keyway/db";
import { deployMigrations } from "@keyway/db/migrate";
import { createFlusher } from "@keyway/api/server";
import { createRedis, keysOf, waitForReady } from "@keyway/redis";
import { benchEnv, cpuMeter } from "./lib.ts";
import { dropTestDatabase, deleteRedisPrefix } from "../scripts/lib/cleanup.ts";

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const env = { ...process.env, ...benchEnv("benchflush"), LOG_LEVEL: "warn" };

await deployMigrations(env.DATABASE_URL);
const db = createDb(env.DATABASE_URL);
await db.tier.create({ data: { name: "bench", perMinute: 1e9, perHour: 1e9, perDay: 1e9, perMonth: 1e9 } });
const user = await db.user.create({ data: { email: "bench@example.test", tierName: "bench" } });
const keys = Array.from({ length: KEYS }, () => generateKey("bench"));
await db.apiKey.createMany({ data: keys.map((k) => ({ id: k.id, userId: user.id, name: k.id, prefix: k.prefix, hash: hashKey(k.key), tierAtCreation: "bench" })) });
const redis = createRedis(env.REDIS_URL, { keyPrefix: env.REDIS_KEY_PREFIX });
const flusher = createFlusher(loadConfig(env), { flushed: () => {}, flushFailed: () => {} });
const redisPid = Number(/process_id:(\d+)/.exec(execFileSync("redis-cli", ["-u", env.REDIS_URL, "info", "server"], { encoding: "utf8" }))?.[1] ?? 0);
const postmasterPid = Number(execFileSync("pgrep", ["-o", "-x", "postgres"], { encoding: "utf8" }).trim());
const rows: string[] = [];
try {
  await waitForReady(redis, 5_000);
  for (let round = 1; round <= ROUNDS; round++) {
    // what the limit script and the recorder leave behind: allowed and successful in this minute
    const minute = Math.floor(Date.now() / 60_000);
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.hset(keysOf(k.id).usage, `${minute}:a`, 3, `${minute}:s`, 3);
    await pipeline.exec();
    const cpu = cpuMeter({ flusher: process.pid, postgres: { tree: postmasterPid }, redis: redisPid });
    const t0 = performance.now();
    const { keys: moved } = await flusher.flushOnce();
    const ms = performance.now() - t0;
    const used = cpu(); // % of one core over the pass
    const cpuMs = (k: string) => Math.round((used[k]! * ms) / 100);
    rows.push(`| ${round} | ${moved.toLocaleString("en")} | ${Math.round(ms)} | ${cpuMs("flusher")} | ${cpuMs("postgres")} | ${cpuMs("redis")} |`);
  }
  console.log(`\n${KEYS.toLocaleString("en")} keys, one flush pass per round\n`);
  console.log("| pass | keys | ms | CPU ms flusher | CPU ms PostgreSQL | CPU ms Redis |\n|---:|---:|---:|---:|---:|---:|");
  console.log(rows.join("\n"));
} finally {
  await flusher.close();
  redis.disconnect();
  await db.$disconnect();
  await dropTestDatabase(env.DATABASE_URL).catch(() => {});
  await deleteRedisPrefix(env.REDIS_URL, env.REDIS_KEY_PREFIX).catch(() => {});
}
