// @keyway/api: the portal's tRPC API. Procedures validate and authorize; the services do the work.
export { appRouter, createCaller, type AppRouter } from "./root.ts";
export { createContextInner, type Context } from "./trpc.ts";
