// The portal's HTTP server: Next.js's request handler behind a plain node:http server, so the
// socket's peer address reaches the route handlers (Next keeps a client-sent X-Forwarded-For as
// it is, and route handlers cannot see the socket). Listens on HOST (loopback by default).
//   node server.mjs [--dev] [--port N]
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import next from "next";

const args = process.argv.slice(2);
const dev = args.includes("--dev");
const portArg = args.indexOf("--port");
const port = Number(portArg >= 0 ? args[portArg + 1] : (process.env.PORT ?? 3000));
const hostname = process.env.HOST || "127.0.0.1";
const PEER_HEADER = "x-keyway-peer"; // PEER_HEADER in packages/auth/src/throttle.ts reads it

const dir = path.dirname(new URL(import.meta.url).pathname);
// In the standalone folder (the image) there is no next.config.ts to load: the configuration of
// the build is read from the build's output, as Next's own standalone server.js does.
const built = path.join(dir, process.env.KEYWAY_NEXT_DIST_DIR || ".next", "required-server-files.json");
const conf = !dev && !existsSync(path.join(dir, "next.config.ts")) && existsSync(built) ? JSON.parse(readFileSync(built, "utf8")).config : undefined;
if (conf) process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);
const app = next({ dev, hostname, port, dir, conf });
const handle = app.getRequestHandler();
await app.prepare();
const server = http.createServer((req, res) => {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  void handle(req, res);
});
server.listen(port, hostname, () => console.log(`portal listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`));

const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
