// pnpm bench:http — the HTTP path under load. One run on this machine:
//   1. a bare node:http server answering a fixed JSON body (the ceiling for any endpoint here)
//   2. Keyway's public API server (apps/gateway) serving the sample protected API, GET /api/v1/echo,
//      with 10,000 distinct valid keys, at its peak and at half of that rate.
// Each server runs in its own process and autocannon runs in a third. Results: docs/benchmarks.md.
// Each row also gives the CPU (% of one core) the server, the generator, Redis and PostgreSQL used
// during it. BENCH_METRICS=1 prints, for the half-peak row: the API server's event-loop lag, its
// verify times (cache + Redis), its GC pauses, how long its main thread and Redis waited for a CPU
// (the run queue, from /proc), and each second's p99 and worst latency (for the control row too).
// BENCH_PROFILE=dir writes a CPU profile of the peak row (BENCH_PROFILE_HALF=1: the half-peak row;
// BENCH_PROFILE_ROW=0.125: the BENCH_RATES row at that fraction).
// BENCH_RATES=0.25,0.75 adds open-loop rows at those fractions of the peak.
// BENCH_WARMUP=s: seconds each open-loop row runs unmeasured first (default 1). Each BENCH_RATES
// row has a bare control row at the same rate.
// BENCH_LIMITER=fixed (a diagnostic, not a result): every rate-limit check answers a fixed
// "allowed" at once, without Redis, so a run shows what the rest of the request path costs.
// BENCH_RECENT_ROUNDS=n (default 2; 0 skips): the peak with recent verifications recorded and with
// RECENT_VERIFICATIONS=0, in turns, n rounds each (the 5 % guard of docs/benchmarks.md).
// BENCH_POLICY_ROUNDS=n (default 2; 0 skips): services' verify calls at the peak, in turns, n rounds
// each: keys granted a permission and limited to an allowlist, each call with a permission query,
// a cost and the client's address, against plain keys and calls (the 10 % guard of #21).
// BENCH_REDIS=socket: the API server reaches Redis over a Unix socket (REDIS_URL=unix://…), a
// private redis-server the bench starts (the machine's own listens on TCP only).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { BENCH_POLICY, seedKeysFile, servicePids } from "./fixtures.ts";
import { benchEnv, cpuMeter, runQueueMeter } from "./lib.ts";
import { API_NODE_FLAGS } from "../apps/gateway/src/node-flags.ts";
import { dropTestDatabase, deleteRedisPrefix } from "../scripts/lib/cleanup.ts";
import { freePort } from "../scripts/lib/services.ts";
import { startPrivateRedis } from "../test/redis-server.ts";

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** Seconds each open-loop row runs before it is measured (see http-load.ts). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const env = {
  ...process.env,
  ...benchEnv("benchhttp"),
  LOG_LEVEL: "warn",
  NODE_ENV: "production",
  KEYWAY_SERVICE_TOKEN: `kws_bench_${randomBytes(16).toString("hex")}`,
};
const privateRedis = process.env.BENCH_REDIS === "socket" ? await socketRedis() : null;
if (privateRedis) env.REDIS_URL = privateRedis.url;

async function socketRedis() {
  const socket = path.join(mkdtempSync(path.join(tmpdir(), "keyway-bench-redis-")), "redis.sock");
  const server = await startPrivateRedis(["--unixsocket", socket, "--unixsocketperm", "700"]);
  return { url: `unix://${socket}`, stop: () => server.stop() };
}

function start(script: string, extra: Record<string, string>, nodeFlags: string[] = []): Promise<ChildProcess> {
  // node itself (tsx as a loader), not the tsx wrapper: signals reach the server directly.
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeFlags, script], { env: { ...env, ...extra }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    const poll = async () => {
      try {
        await fetch(`http://127.0.0.1:${extra.PORT ?? extra.API_PORT}/`);
        clearTimeout(timer);
        resolve(child);
      } catch {
        setTimeout(poll, 100);
      }
    };
    void poll();
  });
}

interface Load { cpu?: Record<string, number>; generatorCpu: number; rps: number; total: number; p50: number; p90: number; p99: number; max: number; "2xx": number; non2xx: number; errors: number; timeouts: number }
function load(url: string, opts: { keysFile?: string; rate?: number; seconds?: number; amount?: number; server?: number; verifyBody?: Record<string, unknown> }): Promise<Load> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "http-load.ts")], {
    env: { ...process.env, URL: url, KEYS_FILE: opts.keysFile ?? "", VERIFY_BODY: opts.verifyBody ? JSON.stringify(opts.verifyBody) : "", TOKEN: env.KEYWAY_SERVICE_TOKEN, CONNECTIONS: String(CONNECTIONS), DURATION: String(opts.seconds ?? SECONDS), RATE: opts.rate ? String(Math.round(opts.rate)) : "", TIMELINE: process.env.BENCH_METRICS && opts.rate ? "1" : "", WARMUP: opts.rate ? String(WARMUP) : "0", AMOUNT: opts.amount ? String(opts.amount) : "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  // CPU of the server, the generator, Redis and PostgreSQL during the run (% of one core).
  // (The generator reports its own: it has exited when the run ends.)
  const cpu = cpuMeter({ server: opts.server ?? 0, redis: redisPid, postgres: { tree: postmasterPid } });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve({ ...(JSON.parse(out.trim().split("\n").at(-1)!) as Load), cpu: cpu() }) : reject(new Error(`load exited ${code}`)))),
  );
}

const { redis: redisPid, postmaster: postmasterPid } = servicePids(env.REDIS_URL);

/** p50 / p99 / p99.9 of keyway_verify_duration_seconds between two scrapes, as bucket bounds. */
function verifyQuantiles(before: string, after: string): string {
  const buckets = (text: string) =>
    [...text.matchAll(/^keyway_verify_duration_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map((m) => [m[1]!, Number(m[2])] as const);
  const a = buckets(before);
  const b = buckets(after).map(([le, n], i) => [le, n - (a[i]?.[1] ?? 0)] as const);
  const total = b.at(-1)?.[1] ?? 0;
  const q = (p: number) => b.find(([, n]) => n >= p * total)?.[0] ?? "?";
  const ms = (le: string) => (le === "+Inf" ? "> 1000" : String(Number(le) * 1000));
  return `p50 <= ${ms(q(0.5))} ms, p99 <= ${ms(q(0.99))} ms, p99.9 <= ${ms(q(0.999))} ms (${total} verifications)`;
}

/** Pauses per GC kind between two scrapes: count and total seconds. */
function gcDelta(before: string, after: string): string {
  const read = (text: string) => new Map([...text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} ([\d.e+-]+)/gm)].map((m) => [`${m[2]} ${m[1]}`, Number(m[3])]));
  const a = read(before);
  const b = read(after);
  return ["minor", "major", "incremental"].map((kind) => {
    const n = (b.get(`${kind} count`) ?? 0) - (a.get(`${kind} count`) ?? 0);
    const s = (b.get(`${kind} sum`) ?? 0) - (a.get(`${kind} sum`) ?? 0);
    return `${kind} ${n} (${(s * 1000).toFixed(0)} ms, ${n ? ((s * 1000) / n).toFixed(1) : 0} ms each)`;
  }).join(", ");
}

async function stop(child: ChildProcess) {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

// Setup: a database with 10,000 keys of one user on a tier whose limits are never reached.
const seedDir = mkdtempSync(path.join(tmpdir(), "keyway-bench-"));
const keysFile = path.join(seedDir, "keys.txt");
const policyRounds = Number(process.env.BENCH_POLICY_ROUNDS ?? 2);
const policyKeysFile = path.join(seedDir, "policy-keys.txt");
seedKeysFile(env.DATABASE_URL, KEYS, keysFile, policyRounds > 0 ? policyKeysFile : undefined);

const rows: string[] = [];
const row = (what: string, r: Load, ceiling: number) =>
  rows.push(`| ${what} | ${Math.round(r.rps).toLocaleString("en")} | ${r.p50} | ${r.p99} | ${(r.rps / ceiling).toFixed(2)} | ${r["2xx"].toLocaleString("en")} | ${r.non2xx + r.errors + r.timeouts} | ${r.cpu!.server} / ${r.generatorCpu} / ${r.cpu!.redis} / ${r.cpu!.postgres} |`);
try {
  const barePort = await freePort();
  const bare = await start(path.join(import.meta.dirname, "http-bare.ts"), { PORT: String(barePort) });
  await load(`http://127.0.0.1:${barePort}/`, { seconds: 2 }); // warm-up
  const ceiling = await load(`http://127.0.0.1:${barePort}/`, { server: bare.pid });
  row("bare node:http, fixed JSON", ceiling, ceiling.rps);

  const apiPort = await freePort();
  const metricsPort = await freePort();
  const api = await start(path.join(import.meta.dirname, "..", "apps", "gateway", "src", "main.ts"), {
    API_PORT: String(apiPort),
    METRICS_PORT: String(metricsPort),
    // the default interval unless BENCH_FLUSH_MS says otherwise (0: no flusher in the server)
    ...(process.env.BENCH_FLUSH_MS ? { USAGE_FLUSH_INTERVAL_MS: process.env.BENCH_FLUSH_MS } : {}),
  },
  // The server's own node flags (apps/gateway/src/node-flags.ts), then BENCH_NODE_FLAGS, then the
  // preloaded hooks of BENCH_PROFILE (a V8 CPU profile: open it in Chrome DevTools) and
  // BENCH_LIMITER=fixed.
  [
    ...API_NODE_FLAGS,
    ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
    ...(process.env.BENCH_PROFILE ? ["--import", path.join(import.meta.dirname, "profile-hook.ts")] : []),
    ...(process.env.BENCH_LIMITER === "fixed" ? ["--import", path.join(import.meta.dirname, "fixed-decision-hook.ts")] : []),
  ]);
  const url = `http://127.0.0.1:${apiPort}/api/v1/echo`;
  const warm = await load(url, { keysFile, amount: KEYS, server: api.pid }); // every key once: cache misses (PostgreSQL), JIT warm-up
  // The profile hook starts the profiler at the first SIGUSR2 and writes the profile at the second.
  const profiled = process.env.BENCH_PROFILE ? (process.env.BENCH_PROFILE_ROW ?? (process.env.BENCH_PROFILE_HALF ? "half" : "peak")) : null;
  async function measure<T>(which: string, run: () => Promise<T>): Promise<T> {
    if (profiled !== which) return run();
    api.kill("SIGUSR2");
    const result = await run();
    api.kill("SIGUSR2");
    await new Promise((r) => setTimeout(r, 1_000));
    return result;
  }
  const peak = await measure("peak", () => load(url, { keysFile, server: api.pid }));
  // A scrape before the half-peak row resets the event-loop lag gauges, so the ones printed after
  // it describe that row alone; the verify time is the difference of the histograms.
  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const beforeHalf = process.env.BENCH_METRICS ? await scrape() : "";
  const runQueue = runQueueMeter({ "API server main thread": api.pid!, Redis: redisPid });
  const half = await measure("half", () => load(url, { keysFile, rate: peak.rps / 2, server: api.pid }));
  const waited = runQueue();
  if (process.env.BENCH_METRICS) {
    const afterHalf = await scrape();
    console.log(afterHalf.split("\n").filter((l) => /eventloop_lag|flush/.test(l)).join("\n"));
    console.log(`\nduring the half-peak row: event-loop lag as above; verify (cache + Redis) ${verifyQuantiles(beforeHalf, afterHalf)}`);
    console.log(`run queue during the half-peak row: ${waited}`);
    console.log(`garbage collection during the half-peak row: ${gcDelta(beforeHalf, afterHalf)}`);
  }
  // (BENCH_RATES: where does the p99 stay under 5 ms?)
  const more: [number, Load][] = [];
  for (const f of process.env.BENCH_RATES?.split(",").map(Number).filter((x) => x > 0) ?? []) {
    more.push([f, await measure(String(f), () => load(url, { keysFile, rate: peak.rps * f, server: api.pid }))]);
  }
  // The guard for recent verifications (each request's decision pushed onto its key's list in the
  // limit script): the same server with RECENT_VERIFICATIONS=0, at its peak, in turns with the
  // first (on, off, on, off: the machine's drift falls on both alike).
  const recentRounds = Number(process.env.BENCH_RECENT_ROUNDS ?? 2);
  const recentRows: [string, Load][] = [];
  if (recentRounds > 0) {
    const offPort = await freePort();
    const off = await start(path.join(import.meta.dirname, "..", "apps", "gateway", "src", "main.ts"), { API_PORT: String(offPort), METRICS_PORT: "0", RECENT_VERIFICATIONS: "0" }, API_NODE_FLAGS);
    const offUrl = `http://127.0.0.1:${offPort}/api/v1/echo`;
    await load(offUrl, { keysFile, amount: KEYS, server: off.pid });
    for (let round = 1; round <= recentRounds; round++) {
      recentRows.push([`recording on, round ${round}`, await load(url, { keysFile, server: api.pid })]);
      recentRows.push([`recording off (RECENT_VERIFICATIONS=0), round ${round}`, await load(offUrl, { keysFile, server: off.pid })]);
    }
    await stop(off);
  }
  // The guard for key policy: services' verify calls, plain (keys without policy, {key}) and with
  // policy (keys holding a permission and an allowlist; each call with a permission query, a cost
  // and the client's address), in turns on the same server.
  const policyRows: [string, Load][] = [];
  if (policyRounds > 0) {
    const verifyUrl = `http://127.0.0.1:${apiPort}/api/v1/keys/verify`;
    const plain = { keysFile, verifyBody: {} };
    const policy = { keysFile: policyKeysFile, verifyBody: { permissions: `${BENCH_POLICY.permission} AND (${BENCH_POLICY.permission} OR bench.admin)`, cost: 1, ip: "203.0.113.7" } };
    await load(verifyUrl, { ...policy, amount: KEYS, server: api.pid }); // the policy keys' first use: cache misses
    // (the verify endpoint answers 200 either way: both kinds must be admitted for the rows to compare)
    for (const [file, body] of [[policyKeysFile, policy.verifyBody], [keysFile, plain.verifyBody]] as const) {
      const key = readFileSync(file, "utf8").split("\n")[0];
      const answer = (await (await fetch(verifyUrl, { method: "POST", headers: { authorization: `Bearer ${env.KEYWAY_SERVICE_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ key, ...body }) })).json()) as { valid: boolean; code?: string };
      if (!answer.valid) throw new Error(`the policy guard's ${file === keysFile ? "plain" : "policy"} call was refused: ${answer.code}`);
    }
    for (let round = 1; round <= policyRounds; round++) {
      policyRows.push([`policy: permission query, cost and allowlist, round ${round}`, await load(verifyUrl, { ...policy, server: api.pid })]);
      policyRows.push([`plain: no policy, round ${round}`, await load(verifyUrl, { ...plain, server: api.pid })]);
    }
  }
  await stop(api);
  // The control: the bare server at the same open-loop rate, so the generator's own share of the
  // tail is visible (it is a Node process too, on the same two cores).
  const bareQueue = runQueueMeter({ "bare server main thread": bare.pid! });
  const bareAtHalf = await load(`http://127.0.0.1:${barePort}/`, { rate: peak.rps / 2, server: bare.pid });
  if (process.env.BENCH_METRICS) console.log(`run queue during the control row: ${bareQueue()}`);
  const bareMore: [number, Load][] = [];
  for (const [f] of more) bareMore.push([f, await load(`http://127.0.0.1:${barePort}/`, { rate: peak.rps * f, server: bare.pid })]);
  await stop(bare);
  row(`Keyway API server, first use of each key (cache miss: PostgreSQL + Redis)`, warm, ceiling.rps);
  row("Keyway API server, GET /api/v1/echo, 10,000 keys", peak, ceiling.rps);
  row(`Keyway at half its peak (${Math.round(peak.rps / 2).toLocaleString("en")}/s, open loop, even spacing)`, half, ceiling.rps);
  row(`bare node:http at that same rate (control for the load generator)`, bareAtHalf, ceiling.rps);
  more.forEach(([f, r], i) => {
    row(`Keyway at ${f}× its peak (${Math.round(peak.rps * f).toLocaleString("en")}/s, open loop)`, r, ceiling.rps);
    row(`bare node:http at that same rate (control)`, bareMore[i]![1], ceiling.rps);
  });
  console.log(`\n${KEYS.toLocaleString("en")} keys, ${CONNECTIONS} connections, ${SECONDS} s per run (open-loop rows after ${WARMUP} s unmeasured), autocannon in its own process, Redis over ${privateRedis ? "a Unix socket" : "TCP"}${process.env.BENCH_LIMITER === "fixed" ? ", limiter replaced by a fixed decision (diagnostic)" : ""}\n`);
  console.log("| what | req/s | p50 ms | p99 ms | × bare | 2xx | other | CPU % server / generator / Redis / PostgreSQL |\n|---|---:|---:|---:|---:|---:|---:|---|");
  console.log(rows.join("\n"));
  if (recentRows.length > 0) {
    const mean = (on: boolean) => {
      const r = recentRows.filter(([what]) => what.startsWith(on ? "recording on" : "recording off")).map(([, l]) => l);
      return { rps: r.reduce((a, l) => a + l.rps, 0) / r.length, cpu: r.reduce((a, l) => a + (l.cpu!.server ?? 0) / l.rps, 0) / r.length };
    };
    const on = mean(true);
    const offMean = mean(false);
    console.log(`\nRecent verifications, at the peak in turns (${recentRounds} rounds each):\n\n| what | req/s | p50 ms | p99 ms | CPU % server / Redis |\n|---|---:|---:|---:|---|`);
    for (const [what, r] of recentRows) console.log(`| ${what} | ${Math.round(r.rps).toLocaleString("en")} | ${r.p50} | ${r.p99} | ${r.cpu!.server} / ${r.cpu!.redis} |`);
    console.log(`\nrecording on / off: ${(on.rps / offMean.rps).toFixed(3)}× the throughput, ${(on.cpu / offMean.cpu).toFixed(3)}× the server's CPU per request (guard: within 5 %)`);
  }
  if (policyRows.length > 0) {
    const mean = (prefix: string) => {
      const r = policyRows.filter(([what]) => what.startsWith(prefix)).map(([, l]) => l);
      return { rps: r.reduce((a, l) => a + l.rps, 0) / r.length, cpu: r.reduce((a, l) => a + (l.cpu!.server ?? 0) / l.rps, 0) / r.length };
    };
    const [withPolicy, plain] = [mean("policy"), mean("plain")];
    console.log(`\nKey policy, POST /api/v1/keys/verify at the peak in turns (${policyRounds} rounds each):\n\n| what | req/s | p50 ms | p99 ms | 2xx | other | CPU % server / Redis |\n|---|---:|---:|---:|---:|---:|---|`);
    for (const [what, r] of policyRows) console.log(`| ${what} | ${Math.round(r.rps).toLocaleString("en")} | ${r.p50} | ${r.p99} | ${r["2xx"].toLocaleString("en")} | ${r.non2xx + r.errors + r.timeouts} | ${r.cpu!.server} / ${r.cpu!.redis} |`);
    console.log(`\nwith policy / plain: ${(withPolicy.rps / plain.rps).toFixed(3)}× the throughput, ${(withPolicy.cpu / plain.cpu).toFixed(3)}× the server's CPU per request (guard: within 10 %)`);
  }
} finally {
  await dropTestDatabase(env.DATABASE_URL).catch(() => {});
  await deleteRedisPrefix(env.REDIS_URL, env.REDIS_KEY_PREFIX).catch(() => {});
  await privateRedis?.stop();
}
