import { router, createCallerFactory } from "./trpc.ts";
import { meRouter } from "./routers/me.ts";

export const appRouter = router({
  me: meRouter,
});
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
