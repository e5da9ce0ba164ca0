import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { workspaceProcedure } from "../trpc.ts";
import { environment, keyId, range } from "./inputs.ts";

// Every member, viewers included, sees their workspace's usage.
export const usageRouter = {
  /** Requests over time for one of the workspace's keys, or all of them. */
  series: workspaceProcedure("viewer")
    .input(z.object({ range, keyId: keyId.optional(), environment: environment.optional() }))
    .query(async ({ ctx, input }) => {
      if (input.keyId) {
        await ctx.services.keys.get(input.keyId, ctx.workspace.id); // NOT_FOUND unless it is the workspace's
        return ctx.services.usage.series({ keyIds: [input.keyId] }, input.range);
      }
      return ctx.services.usage.series({ workspaceId: ctx.workspace.id, ...(input.environment ? { environment: input.environment } : {}) }, input.range);
    }),

  /** How much of each window's quota one of the workspace's keys has left, right now (counts nothing). */
  quota: workspaceProcedure("viewer").input(z.object({ keyId })).query(({ ctx, input }) => ctx.services.usage.quota(input.keyId, ctx.workspace.id)),

  /** How much of the workspace's plan (all its keys together) is left in each window, right now. */
  workspaceQuota: workspaceProcedure("viewer").query(async ({ ctx }) => ctx.services.usage.workspaceQuota(await ctx.services.workspaces.get(ctx.workspace.id))),
} satisfies TRPCRouterRecord;
