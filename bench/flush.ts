// pnpm bench:flush — what one usage flush pass costs: BENCH_KEYS keys (10,000) each used in the
// current minute, moved from Redis to PostgreSQL by the real flusher, BENCH_ROUNDS times (the
// first pass inserts the buckets, later ones update them, as on a busy platform every 15 s).
// Per pass: wall time, and the CPU of the flusher (this process), PostgreSQL and Redis in ms.
import { loadConfig } from "@keyway/core";
import { createFlusher } from "@keyway/server";
import { createRedis, keysOf, waitForReady } from "@keyway/redis";
import { seedKeys, servicePids } from "./fixtures.ts";
import { benchEnv, cpuMeter } from "./lib.ts";
import { dropTestDatabase, deleteRedisPrefix } from "../scripts/lib/cleanup.ts";

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const env = { ...process.env, ...benchEnv("benchflush"), LOG_LEVEL: "warn" };

const { keys } = await seedKeys(env.DATABASE_URL, KEYS);
const redis = createRedis(env.REDIS_URL, { keyPrefix: env.REDIS_KEY_PREFIX });
const flusher = createFlusher(loadConfig(env), { flushed: () => {}, flushFailed: () => {} });
const { redis: redisPid, postmaster: postmasterPid } = servicePids(env.REDIS_URL);
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
  await dropTestDatabase(env.DATABASE_URL).catch(() => {});
  await deleteRedisPrefix(env.REDIS_URL, env.REDIS_KEY_PREFIX).catch(() => {});
}
