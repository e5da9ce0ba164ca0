export { appRouter, createCaller, type AppRouter } from "./root.ts";
export { createContextInner, type Context } from "./trpc.ts";
export type { Viewer } from "./services/sessions.ts";
export type { Health, Services } from "./services/index.ts";
export { createPublicApi, fetchHandler } from "./http/public-api.ts";
export { clientAddress, clientOf, PEER_HEADER } from "./services/throttle.ts";
export { auditCsv, csvField } from "./services/audit-csv.ts";
