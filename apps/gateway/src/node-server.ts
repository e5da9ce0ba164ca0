// The node:http adapter for the public API: no Fetch Request/Response objects on the way, so the
// gateway spends its time on the request, not on conversions.
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { Services } from "@keyway/server";
import { createPublicApi, MAX_HEADER_BYTES, trimSlashes, type ApiRequest, type ApiResponse } from "./public-api.ts";

/** Like Fetch's Headers.get: every value of a repeated header, joined with ", ". */
function headerOf(raw: string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]}`;
  }
  return value;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array | "too_large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume(); // drain without keeping it
        resolve("too_large");
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A node:http request as the public API sees it (a class: no closures made per request). */
class NodeApiRequest implements ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly headerBytes: number;
  readonly peer: string | null;

  constructor(private readonly req: http.IncomingMessage) {
    this.peer = req.socket.remoteAddress ?? null;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    this.method = req.method ?? "GET";
    this.path = q === -1 ? url : url.slice(0, q);
    let headerBytes = 0;
    for (const part of req.rawHeaders) headerBytes += part.length + 2;
    this.headerBytes = headerBytes;
  }

  header(name: string): string | null {
    return headerOf(this.req.rawHeaders, name);
  }

  readBody(limit: number): Promise<Uint8Array | "too_large"> {
    return readBody(this.req, limit);
  }
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

const ROUTES = new Set(["/api/v1/echo", "/api/v1/keys/verify", "/api/v1/usage"]);
/** The metrics label of a path: a known route (trailing slashes aside), else "other". */
function routeOf(path: string): string {
  const route = trimSlashes(path);
  return ROUTES.has(route) ? route : "other";
}

/**
 * The lightweight public API server: /api/v1/*. Every response carries an X-Request-Id (the
 * caller's when it sent a sane one), and so does its log line (warn for 5xx, debug otherwise).
 * Keys never reach a log line. /metrics is not here: see createMetricsServer.
 */
export function createPublicServer(services: Services): http.Server {
  const api = createPublicApi(services);
  const log = services.log;
  return http.createServer({ maxHeaderSize: MAX_HEADER_BYTES * 2 }, (req, res) => {
    const started = performance.now();
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    if (req.url === "/livez" || req.url === "/readyz") {
      void probe(req.url, res, requestId);
      return;
    }
    void respond(new NodeApiRequest(req), res, requestId, started);
  });

  /**
   * /livez: the process answers (restart it when this fails). /readyz: it can serve (send it
   * traffic): PostgreSQL reachable, and Redis reachable or the declared degraded mode in force.
   */
  async function probe(url: "/livez" | "/readyz", res: http.ServerResponse, requestId: string): Promise<void> {
    const body = url === "/livez" ? { live: true } : await services.readiness().catch(() => ({ ready: false, database: "down", redis: "down" }));
    const ok = "live" in body || body.ready;
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store", "x-request-id": requestId });
    res.end(JSON.stringify(body));
  }

  async function respond(request: ApiRequest, res: http.ServerResponse, requestId: string, started: number): Promise<void> {
    let r: ApiResponse;
    try {
      r = await api(request);
    } catch (error) {
      log.error({ requestId, method: request.method, path: request.path.slice(0, 200), err: (error as Error).message }, "public api request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json", "x-request-id": requestId });
      res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on our side." } }));
      return;
    }
    r.headers["content-length"] = String(Buffer.byteLength(r.body));
    r.headers["x-request-id"] = requestId;
    res.writeHead(r.status, r.headers);
    res.end(r.body);
    services.metrics.httpRequest(routeOf(request.path), r.status, (performance.now() - started) / 1000);
    // 5xx means something is wrong on our side; refusals are normal traffic (and a flood of them
    // must not become a flood of log lines), so they are debug like successes.
    if (r.status < 500 && !log.isLevelEnabled("debug")) return;
    const entry = { requestId, method: request.method, path: request.path.slice(0, 200), status: r.status, ms: Math.round((performance.now() - started) * 10) / 10 };
    if (r.status >= 500) log.warn(entry, "request failed");
    else log.debug(entry, r.status >= 400 ? "request refused" : "request");
  }
}

/**
 * Prometheus's GET /metrics on a listener of its own (METRICS_PORT on METRICS_HOST, loopback by
 * default): what the process counts is for the operator's scraper, not for the public port.
 */
export function createMetricsServer(services: Services): http.Server {
  return http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: GET /metrics\n");
      return;
    }
    services.metrics.text().then(
      (text) => {
        res.writeHead(200, { "content-type": services.metrics.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("metrics unavailable\n");
      },
    );
  });
}
