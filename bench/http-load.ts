// The load generator, in its own process: autocannon against URL, each request with the next of
// the keys in KEYS_FILE (if any). Prints one JSON line of results.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const keys = process.env.KEYS_FILE ? readFileSync(process.env.KEYS_FILE, "utf8").trim().split("\n") : [];
let next = 0;
const result = await autocannon({
  url: process.env.URL!,
  connections: Number(process.env.CONNECTIONS ?? 64),
  duration: Number(process.env.DURATION ?? 10),
  amount: process.env.AMOUNT ? Number(process.env.AMOUNT) : undefined,
  overallRate: process.env.RATE ? Number(process.env.RATE) : undefined,
  requests: [
    {
      method: "GET",
      setupRequest: (req) => (keys.length ? { ...req, headers: { ...req.headers, authorization: `Bearer ${keys[next++ % keys.length]}` } } : req),
    },
  ],
});
const statuses = { "2xx": result["2xx"], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
console.log(JSON.stringify({ rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, ...statuses }));
