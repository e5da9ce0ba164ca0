// The public API server: /api/v1/* (the sample API, key verification for the platform's services,
// usage reporting) and /metrics on a plain node:http server, without Next.js in the request path.
// Same handler and services as the portal's /api/v1 route; the start command runs both.
import { ConfigError, loadConfig } from "@keyway/core";
import { createServices, createPublicServer } from "@keyway/api/server";

function configOrExit() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    console.error(`keyway api: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exit(1);
  }
}
const config = configOrExit();
const services = createServices(config);
await services.ready();
const stopFlusher = config.USAGE_FLUSH_INTERVAL_MS > 0 ? services.usage.start(config.USAGE_FLUSH_INTERVAL_MS) : null;
const server = createPublicServer(services);
server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
server.listen(config.API_PORT, config.API_HOST, () => {
  services.log.info({ port: config.API_PORT, host: config.API_HOST }, "public api listening");
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  services.log.info({ signal }, "public api stopping");
  server.close();
  server.closeIdleConnections();
  await stopFlusher?.();
  await services.limiter.flush().catch(() => {});
  await services.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
