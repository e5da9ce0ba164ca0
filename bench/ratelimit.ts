// pnpm bench:ratelimit — Keyway's limiter against the field, side by side on the same Redis. Every
// request is counted in two scopes, as a key with its own limits is: the key's four windows and its
// workspace's four (100k key ids in 10k workspaces).
//   1. redis-benchmark running EVALSHA of Keyway's script on two scopes (-P 16 and -P 1): the
//      ceiling; and on one scope (a key without limits of its own), for what the second costs
//   2. Keyway's RedisLimiter in-process (ioredis, auto-pipelining off and on), closed loop
//   3. the same at half its peak rate (fixed rate), for p99
//   4. rate-limiter-flexible (current release): a RateLimiterUnion of four RateLimiterRedis
//      (minute/hour/day/month) for the key and another for its workspace, both consumed
//   5. a port of the seed's algorithm (GET/INCR/EXPIRE per window + JSON usage blob), for the key
//      and for its workspace
//   6. blocked keys answered by the negative cache
// Limits that never block (except 6). BENCH_SECONDS (default 10) per run.
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
const WORKSPACES = 10_000;
const workspaces = Array.from({ length: WORKSPACES }, (_, i) => ({ id: `w${i.toString(36).padStart(4, "0")}`, limits: open }));
// one target object per key, as the verifier keeps one per cached key record
const targets = Array.from({ length: KEYS }, (_, i) => ({ id: `k${i.toString(36).padStart(4, "0")}`, limits: open, workspace: workspaces[i % WORKSPACES]! }));
const randomTarget = () => targets[Math.floor(Math.random() * KEYS)]!;

async function redisBenchmark(pipeline: number, requests: number, scopes: 1 | 2 = 2): Promise<Result> {
  const raw = new Redis(url.toString());
  const sha = (await raw.script("LOAD", LIMIT_SCRIPT)) as string;
  raw.disconnect();
  // one request per call: KEYS the scopes' states, the usage hash and the recent verifications;
  // ARGV now ("" = Redis TIME), usage TTL, recent verifications kept, the number of scopes, four
  // limits a scope, cost, note ("": none recorded, as for the limiter's calls below), mode, and
  // the number of credit pools (0)
  const limits = ["1000000000", "1000000000", "1000000000", "1000000000"];
  const keys = scopes === 2 ? [`${prefix}rw:{__rand_int__}`, `${prefix}rl:{__rand_int__}:k`] : [`${prefix}rw:{__rand_int__}`];
  const args = [
    "-h", url.hostname, "-p", url.port || "6379", "-n", String(requests), "-c", "50", "-P", String(pipeline), "-r", String(KEYS), "--csv",
    "EVALSHA", sha, String(keys.length + 2), ...keys, `${prefix}u:{__rand_int__}:k`, `${prefix}vr:{__rand_int__}:k`,
    "", "604800000", "100", String(scopes), ...(scopes === 2 ? [...limits, ...limits] : limits), "1", "", "0", "0",
  ];
  const t0 = performance.now();
  const { stdout } = await run("redis-benchmark", args, { maxBuffer: 1 << 20 });
  const elapsed = (performance.now() - t0) / 1000;
  const line = stdout.trim().split("\n").pop()!.split(",").map((s) => s.replace(/"/g, ""));
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  return { name: `redis-benchmark EVALSHA${scopes === 1 ? ", one scope," : ""} -P ${pipeline} (-c 50)`, ops: requests, seconds: elapsed, opsPerSec: Number(line[1]), p50: Number(line[4]), p99: Number(line[6]), errors: 0 };
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
  const oneScope = await redisBenchmark(16, Math.round(130_000 * seconds), 1);
  log(oneScope);

  const plain = createRedis(url.toString(), { keyPrefix: prefix, commandTimeoutMs: 2_000 });
  await waitForReady(plain, 2_000);
  const keyway = new RedisLimiter(plain);
  const ours = await closedLoop("Keyway RedisLimiter, auto-pipelining off", () => keyway.check(randomTarget()), { concurrency, seconds, warmup });
  log(ours);

  const piped = new Redis(url.toString(), { keyPrefix: prefix, enableAutoPipelining: true, enableOfflineQueue: false, commandTimeout: 2_000 });
  await waitForReady(piped, 2_000);
  const keywayPiped = new RedisLimiter(piped);
  const oursPiped = await closedLoop("Keyway RedisLimiter, auto-pipelining on", () => keywayPiped.check(randomTarget()), { concurrency, seconds, warmup });
  log(oursPiped);

  const best = oursPiped.opsPerSec > ours.opsPerSec ? { r: oursPiped, l: keywayPiped } : { r: ours, l: keyway };
  const half = await fixedRate(`Keyway at half its peak (${Math.round(best.r.opsPerSec / 2)}/s, fixed rate)`, () => best.l.check(randomTarget()), { rate: best.r.opsPerSec / 2, seconds });
  log(half);

  const rlfClient = new Redis(url.toString(), { keyPrefix: prefix, enableOfflineQueue: false });
  await waitForReady(rlfClient, 2_000);
  const windows = [["m", 60], ["h", 3600], ["d", 86400], ["mo", 2592000]] as const;
  const unionOf = (scope: string) =>
    new RateLimiterUnion(...windows.map(([p, duration]) => new RateLimiterRedis({ storeClient: rlfClient, keyPrefix: `rlf${scope}${p}`, points: 1e9, duration })));
  const keyUnion = unionOf("k");
  const workspaceUnion = unionOf("w");
  log(
    await closedLoop("rate-limiter-flexible 11, a union of 4 RateLimiterRedis per scope", () => {
      const t = randomTarget();
      return Promise.all([keyUnion.consume(t.id), workspaceUnion.consume(t.workspace.id)]);
    }, { concurrency, seconds, warmup }),
  );

  const seedClient = new Redis(url.toString(), { keyPrefix: prefix, enableOfflineQueue: false });
  await waitForReady(seedClient, 2_000);
  log(
    await closedLoop("seed's algorithm, TypeScript port, per scope", () => {
      const t = randomTarget();
      return Promise.all([seedCheck(seedClient, t.id, open), seedCheck(seedClient, t.workspace.id, open)]);
    }, { concurrency, seconds, warmup }),
  );

  const tight = { minute: 1, hour: 1, day: 1, month: 1 };
  const blocked = Array.from({ length: 1000 }, (_, i) => ({ id: `b${i}`, limits: tight, workspace: workspaces[i]! }));
  for (const target of blocked) {
    await keyway.check(target);
    await keyway.check(target);
  }
  log(await closedLoop("Keyway, blocked keys (negative cache)", () => keyway.check(blocked[Math.floor(Math.random() * 1000)]!), { concurrency, seconds: Math.min(seconds, 5), warmup: 1 }));
  await keyway.close();

  const ceiling = p16.opsPerSec;
  const byName = (s: string) => results.find((r) => r.name.startsWith(s))!;
  const rlf = byName("rate-limiter-flexible");
  const seed = byName("seed's");
  const blockedRow = byName("Keyway, blocked");
  const fmt = (n: number) => n.toFixed(2);
  console.log(table(results, ceiling));
  console.log("");
  console.log(`| target | measured | met |`);
  console.log(`|---|---|---|`);
  console.log(`| Keyway ≥ 0.9× the -P 16 ceiling | ${fmt(best.r.opsPerSec / ceiling)}× | ${best.r.opsPerSec / ceiling >= 0.9 ? "yes" : "no"} |`);
  console.log(`| Keyway ≥ 4× rate-limiter-flexible 11 | ${fmt(best.r.opsPerSec / rlf.opsPerSec)}× | ${best.r.opsPerSec / rlf.opsPerSec >= 4 ? "yes" : "no"} |`);
  console.log(`| Keyway ≥ 8× the seed port | ${fmt(best.r.opsPerSec / seed.opsPerSec)}× | ${best.r.opsPerSec / seed.opsPerSec >= 8 ? "yes" : "no"} |`);
  console.log(`| Redis time a request (1 / the -P 16 rate): two scopes, one scope | ${(1e6 / ceiling).toFixed(1)} µs, ${(1e6 / oneScope.opsPerSec).toFixed(1)} µs | — |`);
  console.log(`| p99 ≤ 1 ms at half peak | ${half.p99.toFixed(3)} ms | ${half.p99 <= 1 ? "yes" : "no"} |`);
  console.log(`| blocked keys ≥ 10× the ceiling | ${fmt(blockedRow.opsPerSec / ceiling)}× | ${blockedRow.opsPerSec / ceiling >= 10 ? "yes" : "no"} |`);

  await deleteRedisPrefix(url.toString(), prefix);
  for (const c of [plain, piped, rlfClient, seedClient]) c.disconnect();
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
