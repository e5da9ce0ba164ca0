// Starts test/api-server.ts (the gateway's public API on node:http) in its own process for the chaos tests.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Config } from "@keyway/core";
import { freePort } from "../../scripts/lib/services.ts";

const root = path.resolve(import.meta.dirname, "../..");

export async function startApiServer(config: Config, extra: Record<string, string> = {}): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/api-server.ts")], {
    cwd: root,
    env: { ...process.env, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])), PORT: String(port), LOG_LEVEL: "silent", ...extra },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // however the test ends, its servers end with it
  process.once("exit", () => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.on("exit", (code) => reject(new Error(`api server exited with ${code}`)));
  });
  return { port, child };
}
