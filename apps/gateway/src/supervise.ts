// Keeps a worker thread running. The usage flusher lives on one: if it died (an uncaught error,
// out of memory) and nobody started it again, counts would pile up in Redis until their TTL and
// then be lost. A thread that exits on its own is started again after a pause that doubles with
// each exit in a row (1 s, 2 s, 4 s ... up to a minute) and starts over once a thread has lived
// for a minute.
import type { Worker } from "node:worker_threads";

export interface Supervised {
  /** Asks the thread to stop ("stop" message) and resolves when it has; no restart after this. */
  stop(): Promise<void>;
}

export function supervise(
  spawn: () => Worker,
  onExit: (code: number, restartInMs: number) => void,
  pauses = { minMs: 1_000, maxMs: 60_000 },
): Supervised {
  let worker: Worker;
  let exited = Promise.resolve();
  let stopping = false;
  let pause = pauses.minMs;
  let timer: NodeJS.Timeout | undefined;

  function run(): void {
    worker = spawn();
    const started = Date.now();
    exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        resolve();
        if (stopping) return;
        if (Date.now() - started >= pauses.maxMs) pause = pauses.minMs;
        onExit(code, pause);
        timer = setTimeout(run, pause);
        timer.unref();
        pause = Math.min(pause * 2, pauses.maxMs);
      });
    });
  }
  run();

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      worker.postMessage("stop");
      await exited;
    },
  };
}
