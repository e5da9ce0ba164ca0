import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";
import { keyId, range } from "./inputs.ts";

export const usageRouter = {
  /** Requests over time for one of the viewer's keys, or all of them. */
  series: protectedProcedure
    .input(z.object({ range, keyId: keyId.optional() }))
    .query(async ({ ctx, input }) => {
      if (input.keyId) {
        await ctx.services.keys.get(input.keyId, ctx.viewer.id); // NOT_FOUND unless it is theirs
        return ctx.services.usage.series({ keyIds: [input.keyId] }, input.range);
      }
      return ctx.services.usage.series({ userId: ctx.viewer.id }, input.range);
    }),

  /** How much of each window's quota one of the viewer's keys has left, right now (counts nothing). */
  quota: protectedProcedure.input(z.object({ keyId })).query(({ ctx, input }) => ctx.services.usage.quota(input.keyId, ctx.viewer.id)),
} satisfies TRPCRouterRecord;
