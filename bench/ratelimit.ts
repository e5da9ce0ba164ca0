// pnpm bench:ratelimit — Keyway's limiter against the field, side by side on the same Redis.
//   1. redis-benchmark running EVALSHA of Keyway's script (-P 16 and -P 1): the ceiling
//   2. Keyway's RedisLimiter in-process (ioredis, auto-pipelining off and on), closed loop
//   3. the same at half its peak rate (fixed rate), for p99
//   4. rate-limiter-flexible: RateLimiterUnion of four RateLimiterRedis (minute/hour/day/month)
//   5. a port of the seed's algorithm (GET/INCR/EXPIRE per window + JSON usage blob)
//   6. blocked keys answered by the negative cache
// 100k random key ids, limits that never block (except 6). BENCH_SECONDS (default 10) per run.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterUnion } from "rate-limiter-flexible";
import { RedisLimiter, LIMIT_SCRIPT, createRedis, waitForReady } from "@keyway/redis";
import { closedLoop, fixedRate, table, type Result } from "./lib.ts";
import { seedCheck } from "./seed-port.ts";
import { deleteRedisPrefix } from "../scripts/lib/cleanup.ts";

const run = promisify(execFile);
const url = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = 2;
const concurrency = 64;
const KEYS = 100_000;
const prefix = `bench:${randomBytes(3).toString("hex")}:`;
const open = { minute: 1e9, hour: 1e9, day: 1e9, month: 1e9 };
const ids = Array.from({ length: KEYS }, (_, i) => `k${i.toString(36).padStart(4, "0")}`);
const randomId = () => ids[Math.floor(Math.random() * KEYS)]!;

async function redisBenchmark(pipeline: number, requests: number): Promise<Result> {
  const raw = new Redis(url.toString());
  const sha = (await raw.script("LOAD", LIMIT_SCRIPT)) as string;
  raw.disconnect();
  // one request per call: KEYS limits and usage hash; ARGV now ("" = Redis TIME), usage TTL, limits, cost, look
  const args = [
    "-h", url.hostname, "-p", url.port || "6379", "-n", String(requests), "-c", "50", "-P", String(pipeline), "-r", String(KEYS), "--csv",
    "EVALSHA", sha, "2", `${prefix}rl:{__rand_int__}`, `${prefix}u:{__rand_int__}`,
    "", "604800000", "1000000000", "1000000000", "1000000000", "1000000000", "1", "0",
  ];
  const t0 = performance.now();
  const { stdout } = await run("redis-benchmark", args, { maxBuffer: 1 << 20 });
  const elapsed = (performance.now() - t0) / 1000;
  const line = stdout.trim().split("\n").pop()!.split(",").map((s) => s.replace(/"/g, ""));
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  return { name: `redis-benchmark EVALSHA -P ${pipeline} (-c 50)`, ops: requests, seconds: elapsed, opsPerSec: Number(line[1]), p50: Number(line[4]), p99: Number(line[6]), errors: 0 };
}

async function main() {
  const results: (Result & { note?: string })[] = [];
  const log = (r: Result) => {
    results.push(r);
    console.error(`  ${r.name}: ${Math.round(r.opsPerSec)} ops/s, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms${r.errors ? `, ${r.errors} errors` : ""}`);
  };
  const { stdout: version } = await run("redis-server", ["--version"]);
  console.error(`Redis: ${version.trim()}; Node ${process.version}; ${seconds}s runs after ${warmup}s warm-up; ${concurrency} in flight; ${KEYS} key ids`);

  const p16 = await redisBenchmark(16, Math.round(130_000 * seconds));
  log(p16);
  log(await redisBenchmark(1, Math.round(70_000 * seconds)));

  const plain = createRedis(url.toString(), { keyPrefix: prefix, commandTimeoutMs: 2_000 });
  await waitForReady(plain, 2_000);
  const keyway = new RedisLimiter(plain);
  const ours = await closedLoop("Keyway RedisLimiter, auto-pipelining off", () => keyway.check({ id: randomId(), limits: open }), { concurrency, seconds, warmup });
  log(ours);

  const piped = new Redis(url.toString(), { keyPrefix: prefix, enableAutoPipelining: true, enableOfflineQueue: false, commandTimeout: 2_000 });
  await waitForReady(piped, 2_000);
  const keywayPiped = new RedisLimiter(piped);
  const oursPiped = await closedLoop("Keyway RedisLimiter, auto-pipelining on", () => keywayPiped.check({ id: randomId(), limits: open }), { concurrency, seconds, warmup });
  log(oursPiped);

  const best = oursPiped.opsPerSec > ours.opsPerSec ? { r: oursPiped, l: keywayPiped } : { r: ours, l: keyway };
  const half = await fixedRate(`Keyway at half its peak (${Math.round(best.r.opsPerSec / 2)}/s, fixed rate)`, () => best.l.check({ id: randomId(), limits: open }), { rate: best.r.opsPerSec / 2, seconds });
  log(half);

  const rlfClient = new Redis(url.toString(), { keyPrefix: prefix, enableOfflineQueue: false });
  await waitForReady(rlfClient, 2_000);
  const windows = [["m", 60], ["h", 3600], ["d", 86400], ["mo", 2592000]] as const;
  const union = new RateLimiterUnion(
    ...windows.map(([p, duration]) => new RateLimiterRedis({ storeClient: rlfClient, keyPrefix: `rlf${p}`, points: 1e9, duration })),
  );
  log(await closedLoop("rate-limiter-flexible, union of 4 RateLimiterRedis", () => union.consume(randomId()), { concurrency, seconds, warmup }));

  const seedClient = new Redis(url.toString(), { keyPrefix: prefix, enableOfflineQueue: false });
  await waitForReady(seedClient, 2_000);
  log(await closedLoop("seed's algorithm, TypeScript port", () => seedCheck(seedClient, randomId(), open), { concurrency, seconds, warmup }));

  const blockedIds = Array.from({ length: 1000 }, (_, i) => `b${i}`);
  const tight = { minute: 1, hour: 1, day: 1, month: 1 };
  for (const id of blockedIds) {
    await keyway.check({ id: id, limits: tight });
    await keyway.check({ id: id, limits: tight });
  }
  log(await closedLoop("Keyway, blocked keys (negative cache)", () => keyway.check({ id: blockedIds[Math.floor(Math.random() * 1000)]!, limits: tight }), { concurrency, seconds: Math.min(seconds, 5), warmup: 1 }));
  await keyway.close();

  const ceiling = p16.opsPerSec;
  const byName = (s: string) => results.find((r) => r.name.startsWith(s))!;
  const rlf = byName("rate-limiter-flexible");
  const seed = byName("seed's");
  const blocked = byName("Keyway, blocked");
  const fmt = (n: number) => n.toFixed(2);
  console.log(table(results, ceiling));
  console.log("");
  console.log(`| target | measured | met |`);
  console.log(`|---|---|---|`);
  console.log(`| Keyway ≥ 0.9× the -P 16 ceiling | ${fmt(best.r.opsPerSec / ceiling)}× | ${best.r.opsPerSec / ceiling >= 0.9 ? "yes" : "no"} |`);
  console.log(`| Keyway ≥ 4× rate-limiter-flexible | ${fmt(best.r.opsPerSec / rlf.opsPerSec)}× | ${best.r.opsPerSec / rlf.opsPerSec >= 4 ? "yes" : "no"} |`);
  console.log(`| Keyway ≥ 8× the seed port | ${fmt(best.r.opsPerSec / seed.opsPerSec)}× | ${best.r.opsPerSec / seed.opsPerSec >= 8 ? "yes" : "no"} |`);
  console.log(`| p99 ≤ 1 ms at half peak | ${half.p99.toFixed(3)} ms | ${half.p99 <= 1 ? "yes" : "no"} |`);
  console.log(`| blocked keys ≥ 10× the ceiling | ${fmt(blocked.opsPerSec / ceiling)}× | ${blocked.opsPerSec / ceiling >= 10 ? "yes" : "no"} |`);

  await deleteRedisPrefix(url.toString(), prefix);
  for (const c of [plain, piped, rlfClient, seedClient]) c.disconnect();
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
