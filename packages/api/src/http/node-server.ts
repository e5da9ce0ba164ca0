// node:http adapter for the public API: the same handler as the portal's /api/v1 route, served by
// a plain Node server (used by tests with several processes, and by the lightweight API server).
import http from "node:http";
import { Readable } from "node:stream";
import type { Services } from "../services/index.ts";
import { createPublicApi, MAX_HEADER_BYTES } from "./public-api.ts";

export function createPublicServer(services: Services): http.Server {
  const handle = createPublicApi(services);
  return http.createServer({ maxHeaderSize: MAX_HEADER_BYTES * 2 }, async (req, res) => {
    try {
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const init: RequestInit & { duplex?: "half" } = {
        method: req.method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        duplex: hasBody ? "half" : undefined,
      };
      const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, init);
      const response = await handle(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      services.log.error({ err: (error as Error).message }, "public api request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on our side." } }));
    }
  });
}
