// pnpm bench:verify — latency of verify() for a cached key and for a cache miss (PostgreSQL
// lookup), one request at a time, on the real servers. Both include the limiter's Redis round trip.
import { loadConfig } from "@keyway/core";
import { deployMigrations } from "@keyway/db/migrate";
import { createServices } from "@keyway/server";
import { benchEnv } from "./lib.ts";
import { dropTestDatabase, deleteRedisPrefix } from "../scripts/lib/cleanup.ts";

const N = Number(process.env.BENCH_KEYS ?? 2000);
const env = {
  ...benchEnv("bench"),
  LOG_LEVEL: "silent",
  USAGE_FLUSH_INTERVAL_MS: "0",
  MAX_ACTIVE_KEYS_PER_WORKSPACE: String(N + 1),
};

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

await deployMigrations(env.DATABASE_URL);
const setup = createServices(loadConfig(env));
const user = await setup.users.createWithPassword({ email: "bench@example.test", name: "bench", password: "long-enough-pass", role: "developer", tier: "enterprise" });
const keys: string[] = [];
for (let i = 0; i < N; i++) {
  const { key } = await setup.keys.create({ id: null, role: "system" }, { userId: user.id, name: `k${i}` });
  keys.push(key);
}
await setup.close();

const services = createServices(loadConfig(env)); // cold cache
const measure = async (label: string) => {
  const ms: number[] = [];
  for (const key of keys) {
    const t = performance.now();
    const r = await services.verifier.verify(key);
    ms.push(performance.now() - t);
    if (!r.valid) throw new Error(`unexpected ${r.code}`);
  }
  console.log(`| ${label} | ${ms.length} | ${pct(ms, 50).toFixed(3)} | ${pct(ms, 99).toFixed(3)} |`);
};
console.log("| verify() | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|");
await measure("cache miss (PostgreSQL + Redis)");
await measure("cached key (Redis only)");
await services.close();
await dropTestDatabase(env.DATABASE_URL);
await deleteRedisPrefix(env.REDIS_URL, env.REDIS_KEY_PREFIX);
