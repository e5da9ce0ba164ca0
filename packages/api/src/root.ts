import { router, createCallerFactory } from "./trpc.ts";
import { meRouter } from "./routers/me.ts";
import { keysRouter } from "./routers/keys.ts";
import { accountRouter } from "./routers/account.ts";
import { usageRouter } from "./routers/usage.ts";
import { adminRouter } from "./routers/admin.ts";
import { settingsRouter } from "./routers/settings.ts";
import { invitationsRouter, workspacesRouter } from "./routers/workspaces.ts";

export const appRouter = router({
  me: meRouter,
  keys: keysRouter,
  account: accountRouter,
  usage: usageRouter,
  admin: adminRouter,
  settings: settingsRouter,
  workspaces: workspacesRouter,
  invitations: invitationsRouter,
});
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
