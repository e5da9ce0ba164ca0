// Prometheus metrics for one process (prom-client, a registry per services instance).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics(sources: { cacheStats: () => { hits: number; misses: number; size: number } }) {
  const registry = new Registry();
  // Under their standard names (process_*, nodejs_*), so stock Node.js dashboards work.
  collectDefaultMetrics({ register: registry });
  // prom-client also exports these totals as gauges named *_total, which the exposition format
  // reserves for counters (promtool refuses them); the same counts stay in nodejs_active_*{type}.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) registry.removeSingleMetric(name);

  const httpDuration = new Histogram({
    name: "keyway_http_request_duration_seconds",
    help: "Public API requests from the first byte read to the response written, by route and status",
    labelNames: ["route", "status"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });

  const verifyDuration = new Histogram({
    name: "keyway_verify_duration_seconds",
    help: "Time to verify a key and check its rate limits (including the Redis round trip)",
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const verifyOutcomes = new Counter({
    name: "keyway_verify_total",
    help: "Verifications by outcome: VALID or the refusal code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: "keyway_redis_errors_total",
    help: "Rate-limit calls to Redis that failed (timeouts, connection errors, script errors)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const degraded = new Counter({
    name: "keyway_ratelimit_degraded_total",
    help: "Rate-limit decisions made without Redis, by the failure policy (local or closed)",
    labelNames: ["policy"] as const,
    registers: [registry],
  });
  const negativeCacheHits = new Counter({
    name: "keyway_ratelimit_negative_cache_hits_total",
    help: "Refusals answered in-process for keys known to be blocked",
    registers: [registry],
  });
  let seen = { hits: 0, misses: 0 };
  new Counter({
    name: "keyway_key_cache_lookups_total",
    help: "Key record lookups by result (hit: in-process cache, miss: PostgreSQL)",
    labelNames: ["result"] as const,
    registers: [registry],
    collect() {
      const now = sources.cacheStats();
      this.inc({ result: "hit" }, Math.max(0, now.hits - seen.hits));
      this.inc({ result: "miss" }, Math.max(0, now.misses - seen.misses));
      seen = { hits: now.hits, misses: now.misses };
    },
  });
  new Gauge({
    name: "keyway_key_cache_size",
    help: "Key records held in the in-process cache",
    registers: [registry],
    collect() {
      this.set(sources.cacheStats().size);
    },
  });
  let lastFlush: number | null = null;
  const flushStarted = Date.now();
  new Gauge({
    name: "keyway_usage_flush_lag_seconds",
    help: "Seconds since this process last moved usage from Redis to PostgreSQL (since start if never)",
    registers: [registry],
    collect() {
      this.set((Date.now() - (lastFlush ?? flushStarted)) / 1000);
    },
  });
  const flushDuration = new Histogram({
    name: "keyway_usage_flush_duration_seconds",
    help: "Duration of one periodic usage flush pass, its rests between chunks included",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const flushFailures = new Counter({ name: "keyway_usage_flush_failures_total", help: "Usage flushes postponed (Redis or PostgreSQL away)", registers: [registry] });

  return {
    registry,
    /** `route` is one of the server's own route names, never the raw path (unbounded label values). */
    httpRequest(route: string, status: number, seconds: number) {
      httpDuration.observe({ route, status: String(status) }, seconds);
    },
    verified(code: string, seconds: number) {
      verifyOutcomes.inc({ code });
      verifyDuration.observe(seconds);
    },
    redisError(kind: "connection" | "script") {
      redisErrors.inc({ kind });
    },
    degraded(policy: string) {
      degraded.inc({ policy });
    },
    negativeCacheHit() {
      negativeCacheHits.inc();
    },
    flushed(seconds: number) {
      lastFlush = Date.now();
      flushDuration.observe(seconds);
    },
    flushFailed() {
      flushFailures.inc();
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
