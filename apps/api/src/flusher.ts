// The usage flusher on a thread of its own. A pass moves the counts of every key used in the
// last few seconds from Redis to PostgreSQL (thousands of keys under load); on the request
// thread that work held up requests behind it. Flush metrics go to the main thread, which serves
// /metrics.
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "@keyway/core";
import { createFlusher } from "@keyway/api/server";

const port = parentPort!;
const config = workerData as Config;
const flusher = createFlusher(config, {
  flushed: (seconds) => port.postMessage({ type: "flushed", seconds }),
  flushFailed: () => port.postMessage({ type: "failed" }),
});
const stop = flusher.start(config.USAGE_FLUSH_INTERVAL_MS);
port.postMessage({ type: "ready" });
port.on("message", (message) => {
  if (message !== "stop") return;
  void stop()
    .then(() => flusher.close())
    .finally(() => port.close());
});
