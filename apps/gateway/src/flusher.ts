// The usage flusher on a thread of its own. A pass moves the counts of every key used in the
// last few seconds from Redis to PostgreSQL (thousands of keys under load); on the request
// thread that work held up requests behind it. Flush metrics go to the main thread, which serves
// /metrics.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "@keyway/core";
import { createFlusher } from "@keyway/server";

const port = parentPort!;
// Behind the request thread for the CPU (Linux gives each thread its own nice value): when the
// machine is busy, a flush waits, a request does not.
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), 10);
} catch {
  // not Linux, or not allowed: the flusher runs at the process's priority
}
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
