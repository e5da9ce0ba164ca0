// Real worker threads: one that dies is started again after growing pauses; stop() ends it for good.
import { Worker } from "node:worker_threads";
import { expect, it } from "vitest";
import { supervise } from "./supervise.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("starts a thread again each time it dies, pausing longer each time, and stops it on request", async () => {
  const started: number[] = [];
  const exits: [number, number][] = [];
  // The first two threads die at once (exit code 3); the third runs until it is told to stop.
  const spawn = () => {
    started.push(Date.now());
    const dies = started.length <= 2;
    return new Worker(
      dies
        ? "process.exit(3)"
        : "require('node:worker_threads').parentPort.on('message', (m) => { if (m === 'stop') process.exit(0) })",
      { eval: true },
    );
  };
  const supervised = supervise(spawn, (code, restartInMs) => exits.push([code, restartInMs]), { minMs: 50, maxMs: 1_000 });
  for (let i = 0; i < 100 && started.length < 3; i++) await sleep(20);

  expect(started).toHaveLength(3);
  expect(exits).toEqual([[3, 50], [3, 100]]);
  expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(50);
  expect(started[2]! - started[1]!).toBeGreaterThanOrEqual(100);

  await supervised.stop();
  await sleep(300);
  expect(started).toHaveLength(3); // a thread stopped on purpose is not started again
  expect(exits).toHaveLength(2);
});

it("starts nothing more once stopped during the pause before a restart", async () => {
  let spawned = 0;
  const exits: number[] = [];
  const supervised = supervise(
    () => {
      spawned++;
      return new Worker("process.exit(1)", { eval: true });
    },
    (code) => exits.push(code),
    { minMs: 200, maxMs: 1_000 },
  );
  for (let i = 0; i < 100 && exits.length === 0; i++) await sleep(10);
  expect(exits).toEqual([1]);
  await supervised.stop(); // the thread is gone and its restart is pending
  await sleep(400);
  expect(spawned).toBe(1);
});
