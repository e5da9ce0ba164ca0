// The load generator, in its own process. Prints one JSON line of results.
//  - Closed loop (no RATE): autocannon, CONNECTIONS requests in flight, for the peak.
//  - Open loop (RATE=n): n requests a second at even intervals, like wrk2. autocannon's own rate
//    option sends each connection's quota for the second back to back and then waits, so at
//    "half the peak" the server would still see bursts at full speed. Latency is measured from
//    each request's scheduled time, so queueing behind a slow response counts (no coordinated
//    omission).
import http from "node:http";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const keys = process.env.KEYS_FILE ? readFileSync(process.env.KEYS_FILE, "utf8").trim().split("\n") : [];
let next = 0;
const url = new URL(process.env.URL!);
const connections = Number(process.env.CONNECTIONS ?? 64);
const duration = Number(process.env.DURATION ?? 10);
const rate = process.env.RATE ? Number(process.env.RATE) : 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
/** This process's CPU over the run, in % of one core. */
const cpu = () => {
  const u = process.cpuUsage(cpu0);
  return Math.round(((u.user + u.system) / 1000 / (performance.now() - t0)) * 100);
};
const authorization = () => (keys.length ? { authorization: `Bearer ${keys[next++ % keys.length]}` } : undefined);

if (!rate) {
  const result = await autocannon({
    url: url.toString(),
    connections,
    duration,
    amount: process.env.AMOUNT ? Number(process.env.AMOUNT) : undefined,
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...authorization() } }) }],
  });
  console.log(JSON.stringify({
    rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max,
    "2xx": result["2xx"], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, generatorCpu: cpu(),
  }));
} else {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const counts = { ok: 0, other: 0, errors: 0 };
  const start = performance.now();
  let sent = 0;
  let pending = 0;
  const fire = (scheduled: number) => {
    pending++;
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname, agent, headers: authorization() }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(performance.now() - scheduled);
        if (res.statusCode === 200) counts.ok++;
        else counts.other++;
        pending--;
      });
    });
    req.on("error", () => {
      counts.errors++;
      pending--;
    });
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(Math.floor(((now - start) / 1000) * rate), rate * duration);
      for (; sent < due; sent++) fire(start + (sent / rate) * 1000);
      if (sent >= rate * duration) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  while (pending > 0) await new Promise((r) => setTimeout(r, 10));
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const q = (x: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))]! * 100) / 100;
  console.log(JSON.stringify({
    rps: latencies.length / ((performance.now() - start) / 1000), total: latencies.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1),
    "2xx": counts.ok, non2xx: counts.other, errors: counts.errors, timeouts: 0, generatorCpu: cpu(),
  }));
}
