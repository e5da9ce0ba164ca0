import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../trpc.ts";

export const meRouter = {
  get: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.services.users.profile(ctx.viewer.id);
    const { tier, ...rest } = user;
    return {
      ...rest,
      tier: {
        name: tier.name,
        description: tier.description,
        limits: { minute: tier.perMinute, hour: tier.perHour, day: tier.perDay, month: tier.perMonth },
      },
    };
  }),
} satisfies TRPCRouterRecord;
