// A private redis-server for tests that stop Redis or count its commands, so the shared server
// (and the other test files running beside them) are never disturbed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, reachable } from "../scripts/lib/services.ts";

export interface PrivateRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function waitFor(port: number, up: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await reachable("127.0.0.1", port, 200)) === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis on ${port} did not come ${up ? "up" : "down"}`);
}

export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "kw-redis-"));
  let child: ChildProcess | undefined;
  const server: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...extraArgs], { stdio: "ignore" });
      await waitFor(port, true);
    },
    async stop() {
      child?.kill("SIGKILL");
      await waitFor(port, false);
    },
  };
  await server.start();
  return server;
}

export const hasRedisServer = () => spawnSync("redis-server", ["--version"]).status === 0;
