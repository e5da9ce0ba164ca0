// The public API server: /api/v1/* (the sample API, key verification for the platform's services,
// usage reporting) on a plain node:http server without Next.js in the request path, and /metrics
// on a loopback listener of its own.
// Same handler and services as the portal's /api/v1 route; the start command runs both.
import { Worker } from "node:worker_threads";
import { ConfigError, loadConfig } from "@keyway/core";
import { createServices } from "@keyway/server";
import { createMetricsServer, createPublicServer } from "./node-server.ts";
import { supervise } from "./supervise.ts";

function configOrExit() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    console.error(`keyway api: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exit(1);
  }
}
const config = configOrExit();
const services = createServices(config);
await services.ready();
// Before listening: the thread's start-up (loading and compiling the modules) takes a core for a
// moment, and requests should not meet it.
const stopFlusher = config.USAGE_FLUSH_INTERVAL_MS > 0 ? await startFlusher() : null;
const server = createPublicServer(services);
server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
const host = config.API_HOST ?? config.HOST;
server.listen(config.API_PORT, host, () => {
  services.log.info({ port: config.API_PORT, host }, "public api listening");
});
// METRICS_PORT=0: no metrics listener.
const metrics = config.METRICS_PORT > 0 ? createMetricsServer(services) : null;
metrics?.listen(config.METRICS_PORT, config.METRICS_HOST, () => {
  services.log.info({ port: config.METRICS_PORT, host: config.METRICS_HOST }, "metrics listening");
});

/**
 * The usage flusher runs on its own thread (./flusher.ts), kept running by `supervise`; resolves,
 * once the first thread runs, to a function that stops it.
 */
async function startFlusher(): Promise<() => Promise<void>> {
  // Compiled (dist/main.js) the thread runs dist/flusher.js. From source, tsx registers itself in
  // the thread first (the loader the main thread got with --import does not reach worker threads
  // in Node 20).
  const compiled = import.meta.url.endsWith(".js");
  const entry = JSON.stringify(new URL(compiled ? "./flusher.js" : "./flusher.ts", import.meta.url).href);
  const code = compiled ? `import(${entry})` : `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((t) => { t.register(); return import(${entry}); })`;
  let ready!: () => void;
  const first = new Promise<void>((resolve) => (ready = resolve));
  const spawn = () => {
    const worker = new Worker(code, { eval: true, workerData: config });
    worker.on("message", (m: { type: "ready" } | { type: "flushed"; seconds: number } | { type: "failed" }) => {
      if (m.type === "ready") ready();
      else if (m.type === "flushed") services.metrics.flushed(m.seconds);
      else services.metrics.flushFailed();
    });
    worker.on("error", (error) => services.log.error({ err: error.message }, "usage flusher thread failed"));
    return worker;
  };
  const flusher = supervise(spawn, (code, restartInMs) => {
    ready(); // (if the first thread died before it ran, the server starts anyway)
    services.metrics.flushFailed();
    services.log.error({ code, restartInMs }, "usage flusher thread exited: counts wait in Redis until it is back");
  });
  await first;
  return () => flusher.stop();
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  services.log.info({ signal }, "public api stopping");
  server.close();
  server.closeIdleConnections();
  metrics?.close();
  await stopFlusher?.();
  await services.limiter.flush().catch(() => {});
  await services.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
