// A closed-loop load generator for the chaos tests: `workers` requests in flight against a URL
// until stopped, each result recorded with its start time, latency and rate-limit headers.
export interface Sample {
  at: number;
  ms: number;
  status: number;
  degraded: boolean;
  limit: number | null;
  remaining: number | null;
  code: string | null;
  port: number;
}

export function runLoad(opts: { ports: () => number[]; key: (i: number) => string; workers: number }) {
  const samples: Sample[] = [];
  let stopped = false;
  let n = 0;
  const t0 = performance.now();
  const worker = async (w: number) => {
    while (!stopped) {
      const ports = opts.ports();
      const port = ports[w % ports.length]!;
      const started = performance.now();
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/echo`, { headers: { authorization: `Bearer ${opts.key(n++)}` }, signal: AbortSignal.timeout(5_000) });
        const body = await res.text();
        let code: string | null = null;
        if (res.status !== 200) code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null;
        const limit = res.headers.get("x-ratelimit-limit");
        const remaining = res.headers.get("x-ratelimit-remaining");
        samples.push({
          at: started - t0,
          ms: performance.now() - started,
          status: res.status,
          degraded: res.headers.get("x-ratelimit-degraded") === "local",
          limit: limit === null ? null : Number(limit),
          remaining: remaining === null ? null : Number(remaining),
          code,
          port,
        });
      } catch {
        samples.push({ at: started - t0, ms: performance.now() - started, status: 0, degraded: false, limit: null, remaining: null, code: "NETWORK", port });
      }
    }
  };
  const running = Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  return {
    samples,
    elapsed: () => performance.now() - t0,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/** The q-quantile (0..1) of xs; 0 for none. Safe for any length (no spread into arguments). */
export const p = (xs: number[], q: number) => (xs.length ? Float64Array.from(xs).sort()[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : 0);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
