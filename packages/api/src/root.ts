import { router, createCallerFactory } from "./trpc.ts";
import { meRouter } from "./routers/me.ts";
import { keysRouter } from "./routers/keys.ts";

export const appRouter = router({
  me: meRouter,
  keys: keysRouter,
});
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
