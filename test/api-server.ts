// A public API server process for multi-process tests: PORT, and the usual environment.
import { loadConfig } from "@keyway/core";
import { createServices } from "@keyway/server";
import { createPublicServer } from "@keyway/gateway";

const services = createServices(loadConfig(process.env));
const server = createPublicServer(services);
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => {
  server.close();
  void services.close().then(() => process.exit(0));
  // a test may have stopped the Redis or PostgreSQL it would close: never outlive the test by more
  setTimeout(() => process.exit(0), 3_000).unref();
});
