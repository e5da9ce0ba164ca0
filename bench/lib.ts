import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
// Small load-generation helpers for the benchmarks: closed-loop and fixed-rate drivers that
// record every operation's latency. Percentiles are exact (sorted samples), not estimated.

export interface Result {
  name: string;
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

class Samples {
  private data = new Float64Array(1 << 22);
  private n = 0;
  push(ms: number) {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.n).sort();
  }
  get count() {
    return this.n;
  }
}

/** `concurrency` loops each awaiting `op` back to back, for warmup + duration seconds (only the latter measured). */
export async function closedLoop(name: string, op: (i: number) => Promise<unknown>, o: { concurrency: number; seconds: number; warmup: number }): Promise<Result> {
  let measuring = false;
  let stop = false;
  const samples = new Samples();
  let errors = 0;
  let counter = 0;
  const worker = async () => {
    while (!stop) {
      const t = performance.now();
      try {
        await op(counter++);
      } catch {
        errors++;
      }
      if (measuring) samples.push(performance.now() - t);
      // ops answered in-process resolve as microtasks: let timers run now and then
      if (counter % 256 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  const workers = Array.from({ length: o.concurrency }, worker);
  await new Promise((r) => setTimeout(r, o.warmup * 1000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  const sorted = samples.sorted();
  return { name, ops: samples.count, seconds, opsPerSec: samples.count / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors };
}

/** Issues `rate` operations per second on a fixed schedule; latency counts from the scheduled instant. */
export async function fixedRate(name: string, op: (i: number) => Promise<unknown>, o: { rate: number; seconds: number }): Promise<Result> {
  const samples = new Samples();
  let errors = 0;
  let issued = 0;
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  const total = Math.floor(o.rate * o.seconds);
  while (issued < total) {
    const due = t0 + (issued / o.rate) * 1000;
    const now = performance.now();
    if (now < due) {
      await new Promise((r) => setTimeout(r, Math.max(0, due - now - 0.2)));
      continue;
    }
    // issue every request that is due now
    while (issued < total && t0 + (issued / o.rate) * 1000 <= performance.now()) {
      const scheduled = t0 + (issued / o.rate) * 1000;
      const p = op(issued++).then(
        () => samples.push(performance.now() - scheduled),
        () => {
          errors++;
        },
      ).finally(() => inflight.delete(p));
      inflight.add(p);
    }
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - t0) / 1000;
  const sorted = samples.sorted();
  return { name, ops: samples.count, seconds, opsPerSec: samples.count / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors };
}

export function table(rows: (Result & { note?: string })[], baseline?: number): string {
  const head = "| what | ops/s | p50 ms | p99 ms | errors |" + (baseline ? " × ceiling |" : "");
  const sep = "|---|---:|---:|---:|---:|" + (baseline ? "---:|" : "");
  const lines = rows.map((r) =>
    `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString("en")} | ${Number.isNaN(r.p50) ? "–" : r.p50.toFixed(3)} | ${Number.isNaN(r.p99) ? "–" : r.p99.toFixed(3)} | ${r.errors} |` +
    (baseline ? ` ${(r.opsPerSec / baseline).toFixed(2)} |` : ""),
  );
  return [head, sep, ...lines].join("\n");
}

/** A bench run's own database (dropped at the end) and Redis prefix, named after the bench. */
export function benchEnv(tag: string) {
  const run = randomBytes(3).toString("hex");
  const base = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/keyway_test_${tag}_${run}`;
  return {
    DATABASE_URL: base.toString(),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: `${tag}:${run}:`,
    AUTH_SECRET: randomBytes(24).toString("hex"),
  };
}

/** Fields of /proc/<pid>/stat after the command name (index 0 is the state), or null. */
function stat(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  } catch {
    return null;
  }
}

/** utime + stime of a process, in clock ticks (1/100 s). */
function ticks(pid: number): number {
  const fields = stat(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/**
 * A process and its children, such as PostgreSQL's postmaster and its backends: the live
 * children's CPU plus what the parent has collected from children that exited (cutime + cstime),
 * so a backend that starts or ends during the measured stretch counts exactly its share in it.
 */
function treeTicks(parent: number): number {
  const own = stat(parent);
  let total = own ? Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]) : 0;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!pid || pid === parent) continue;
    const fields = stat(pid);
    if (fields && Number(fields[1]) === parent) total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

/**
 * CPU used by processes over a stretch of time, from /proc (Linux): call start() before and
 * stop() after; the result is each process's share of one core, in percent. A process given as
 * { tree: pid } counts with its children.
 */
export function cpuMeter(pids: Record<string, number | { tree: number }>) {
  const sum = (p: number | { tree: number }) => (typeof p === "number" ? ticks(p) : treeTicks(p.tree));
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, sum(p)]));
  const t0 = performance.now();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    return Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, Math.round((sum(p) - before[k]!) / seconds)]));
  };
}

/** A thread's schedstat (Linux): time on a CPU, time runnable but waiting for one (ns), slices. */
function schedstat(pid: number, tid = pid): [number, number, number] {
  try {
    const [run, wait, slices] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").trim().split(" ").map(Number);
    return [run!, wait!, slices!];
  } catch {
    return [0, 0, 0];
  }
}

/**
 * How long threads were ready to run but waited for a CPU (the run queue), over a stretch of time:
 * the share of the stretch and the mean wait per time slice. On a machine with more runnable
 * threads than cores, this is latency no code change in the thread can remove.
 */
export function runQueueMeter(threads: Record<string, number>) {
  const before = Object.fromEntries(Object.entries(threads).map(([k, pid]) => [k, schedstat(pid)]));
  const t0 = performance.now();
  return () => {
    const ms = performance.now() - t0;
    return Object.entries(threads).map(([k, pid]) => {
      const [run, wait, slices] = schedstat(pid).map((v, i) => v - before[k]![i]!) as [number, number, number];
      return `${k}: on a CPU ${((run / 1e6 / ms) * 100).toFixed(0)} %, waiting for one ${((wait / 1e6 / ms) * 100).toFixed(1)} % (${(wait / 1e3 / Math.max(1, slices)).toFixed(0)} µs per slice, ${slices} slices)`;
    }).join("; ");
  };
}
