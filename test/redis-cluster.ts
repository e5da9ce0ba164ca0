// A real Redis Cluster for tests: three masters (and optionally one replica each) on free local
// ports, created with redis-cli --cluster create. Torn down by stop().
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, reachable } from "../scripts/lib/services.ts";

const run = promisify(execFile);

export interface TestCluster {
  ports: number[];
  nodes: { host: string; port: number }[];
  kill(port: number): void;
  stop(): Promise<void>;
}

export async function startCluster(replicas = 0): Promise<TestCluster> {
  const count = 3 * (1 + replicas);
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const dir = mkdtempSync(path.join(os.tmpdir(), "kw-cluster-"));
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    ports.push(port);
    children.set(port, spawn("redis-server", [
      "--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
      "--cluster-config-file", path.join(dir, `nodes-${port}.conf`), "--cluster-node-timeout", "1000",
      "--save", "", "--appendonly", "no", "--dir", dir,
      // Redis 7 waits 5 s before a diskless full sync; a replica that never synced refuses to
      // take over its master ("disconnected from master for longer than allowed").
      "--repl-diskless-sync-delay", "0",
    ], { stdio: "ignore" }));
  }
  for (const port of ports) {
    for (let i = 0; i < 100 && !(await reachable("127.0.0.1", port, 200)); i++) await new Promise((r) => setTimeout(r, 50));
  }
  await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(replicas), "--cluster-yes"]);
  for (let i = 0; i < 100; i++) {
    const { stdout } = await run("redis-cli", ["-p", String(ports[0]), "cluster", "info"]);
    if (stdout.includes("cluster_state:ok")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // A replica can take over only once it has synced with its master: wait for every link.
  for (const port of replicas > 0 ? ports : []) {
    for (let i = 0; i < 200; i++) {
      const { stdout } = await run("redis-cli", ["-p", String(port), "info", "replication"]);
      if (stdout.includes("role:master") || stdout.includes("master_link_status:up")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    ports,
    nodes: ports.map((port) => ({ host: "127.0.0.1", port })),
    kill(port) {
      children.get(port)?.kill("SIGKILL");
    },
    async stop() {
      for (const child of children.values()) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
