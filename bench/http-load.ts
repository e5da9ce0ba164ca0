// The load generator, in its own process. Prints one JSON line of results.
//  - Closed loop (no RATE): autocannon, CONNECTIONS requests in flight, for the peak.
//  - Open loop (RATE=n): n requests a second at even intervals, like wrk2. autocannon's own rate
//    option sends each connection's quota for the second back to back and then waits, so at
//    "half the peak" the server would still see bursts at full speed. Latency is measured from
//    each request's scheduled time, so queueing behind a slow response counts (no coordinated
//    omission). WARMUP=s: the first s seconds run at the same rate but are not measured (like
//    wrk2's calibration): the generator is a new process each row, and its own first second
//    (JIT, connections) was the worst second of the bare control row in nearly every run.
import net from "node:net";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const keys = process.env.KEYS_FILE ? readFileSync(process.env.KEYS_FILE, "utf8").trim().split("\n") : [];
let next = 0;
const url = new URL(process.env.URL!);
const connections = Number(process.env.CONNECTIONS ?? 64);
const duration = Number(process.env.DURATION ?? 10);
const rate = process.env.RATE ? Number(process.env.RATE) : 0;
const warmup = Number(process.env.WARMUP ?? 0);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
/** This process's CPU over the run, in % of one core. */
const cpu = () => {
  const u = process.cpuUsage(cpu0);
  return Math.round(((u.user + u.system) / 1000 / (performance.now() - t0)) * 100);
};
const authorization = () => (keys.length ? { authorization: `Bearer ${keys[next++ % keys.length]}` } : undefined);
// VERIFY_BODY: POST each key to the verify endpoint (a service's call) with these fields besides
// it, as JSON (e.g. {"permissions": "...", "cost": 1, "ip": "..."}); the service token in TOKEN.
const verifyFields = process.env.VERIFY_BODY ? (JSON.parse(process.env.VERIFY_BODY) as Record<string, unknown>) : null;
const verifyBodies = verifyFields ? keys.map((key) => JSON.stringify({ key, ...verifyFields })) : [];
const verifyRequest = (): autocannon.Request => ({
  method: "POST",
  setupRequest: (req) => ({
    ...req,
    headers: { ...req.headers, authorization: `Bearer ${process.env.TOKEN}`, "content-type": "application/json" },
    body: verifyBodies[next++ % verifyBodies.length]!,
  }),
});

if (!rate) {
  const result = await autocannon({
    url: url.toString(),
    connections,
    duration,
    amount: process.env.AMOUNT ? Number(process.env.AMOUNT) : undefined,
    requests: [verifyFields ? verifyRequest() : { method: "GET", setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...authorization() } }) }],
  });
  console.log(JSON.stringify({
    rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max,
    "2xx": result["2xx"], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, generatorCpu: cpu(),
  }));
} else {
  // Raw keep-alive sockets, every request built once up front (one buffer per key) and each
  // response read only as far as its status and Content-Length: a lean generator adds little tail
  // of its own (an http.Agent client's objects and garbage per request showed in the bare control).
  const host = `${url.hostname}:${url.port}`;
  const build = (key?: string) => Buffer.from(`GET ${url.pathname} HTTP/1.1\r\nHost: ${host}\r\n${key ? `Authorization: Bearer ${key}\r\n` : ""}\r\n`, "latin1");
  const requests = keys.length > 0 ? keys.map(build) : [build()];
  const latencies: number[] = [];
  // TIMELINE=1: each second's p99 and worst, on stderr (is the tail spread out, or in bursts?)
  const timeline: number[][] | null = process.env.TIMELINE ? [] : null;
  const counts = { ok: 0, other: 0, errors: 0 };
  interface Conn { socket: net.Socket; waiting: number[]; buf: Buffer; dead: boolean }
  const conns = await Promise.all(
    Array.from({ length: connections }, () =>
      new Promise<Conn>((resolve, reject) => {
        const socket = net.connect(Number(url.port), url.hostname, () => resolve(conn));
        const conn: Conn = { socket, waiting: [], buf: Buffer.alloc(0), dead: false };
        socket.setNoDelay(true);
        socket.once("error", reject);
        socket.on("data", (d: Buffer) => read(conn, d));
        socket.on("close", () => {
          conn.dead = true;
          counts.errors += conn.waiting.length;
          conn.waiting = [];
        });
      }),
    ),
  );
  for (const c of conns) c.socket.on("error", () => {});
  const read = (c: Conn, data: Buffer) => {
    c.buf = c.buf.length > 0 ? Buffer.concat([c.buf, data]) : data;
    for (;;) {
      const end = c.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = c.buf.toString("latin1", 0, end);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (c.buf.length < end + 4 + length) return;
      c.buf = c.buf.subarray(end + 4 + length);
      const scheduled = c.waiting.shift()!;
      if (scheduled < measured) continue; // sent during the warm-up
      latencies.push(performance.now() - scheduled);
      if (timeline) (timeline[Math.floor((scheduled - measured) / 1000)] ??= []).push(performance.now() - scheduled);
      if (head.startsWith("HTTP/1.1 200")) counts.ok++;
      else counts.other++;
    }
  };
  let turn = 0;
  /** On an idle connection if there is one (else pipelined behind the shortest queue). */
  const fire = (scheduled: number) => {
    let best: Conn | undefined;
    for (let i = 0; i < conns.length; i++) {
      const c = conns[(turn + i) % conns.length]!;
      if (c.dead) continue;
      if (!best || c.waiting.length < best.waiting.length) best = c;
      if (c.waiting.length === 0) break;
    }
    turn = (turn + 1) % conns.length;
    if (!best) return void counts.errors++;
    best.waiting.push(scheduled);
    best.socket.write(requests[next++ % requests.length]!);
  };
  const start = performance.now();
  const measured = start + warmup * 1000;
  const total = rate * (warmup + duration);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(Math.floor(((now - start) / 1000) * rate), total);
      for (; sent < due; sent++) fire(start + (sent / rate) * 1000);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const deadline = performance.now() + 10_000;
  while (conns.some((c) => c.waiting.length > 0) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  for (const c of conns) c.socket.destroy();
  if (timeline) {
    const perSecond = timeline.map((l) => {
      const s = Float64Array.from(l).sort();
      return `${s[Math.floor(0.99 * s.length)]!.toFixed(0)}/${s[s.length - 1]!.toFixed(0)}`;
    });
    console.error(`each second's p99/max ms: ${perSecond.join(" ")}`);
  }
  const sorted = Float64Array.from(latencies).sort();
  const q = (x: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))]! * 100) / 100;
  console.log(JSON.stringify({
    rps: latencies.length / ((performance.now() - measured) / 1000), total: latencies.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1),
    "2xx": counts.ok, non2xx: counts.other, errors: counts.errors, timeouts: 0, generatorCpu: cpu(),
  }));
}
