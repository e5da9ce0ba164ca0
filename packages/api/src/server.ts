// Server-only entry: the process's services. Never import this from client components.
export { getServices, createServices, createFlusher, type Services, type Health, type Readiness } from "./services/index.ts";
export { createPublicServer, createMetricsServer } from "./http/node-server.ts";
