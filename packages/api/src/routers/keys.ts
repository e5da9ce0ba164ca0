import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";
import { keyId } from "./inputs.ts";
const name = z.string().trim().min(1, "Give the key a name.").max(64, "Names are at most 64 characters.");

export const keysRouter = {
  list: protectedProcedure.query(async ({ ctx }) => ctx.services.usage.withLastUse(await ctx.services.keys.list(ctx.viewer.id))),

  create: protectedProcedure
    .input(
      z.object({
        name,
        expiresInDays: z.number().int().min(1).max(3650).nullish(),
        metadata: z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()])).refine((m) => Object.keys(m).length <= 20, "At most 20 metadata entries.").optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.keys.create(ctx.actor, { userId: ctx.viewer.id, ...input })),

  rename: protectedProcedure
    .input(z.object({ id: keyId, name }))
    .mutation(({ ctx, input }) => ctx.services.keys.rename(ctx.actor, input.id, ctx.viewer.id, input.name)),

  revoke: protectedProcedure
    .input(z.object({ id: keyId }))
    .mutation(({ ctx, input }) => ctx.services.keys.revoke(ctx.actor, input.id, ctx.viewer.id)),

  roll: protectedProcedure
    .input(z.object({ id: keyId, graceSeconds: z.number().int().min(0).max(86_400).default(0) }))
    .mutation(({ ctx, input }) => ctx.services.keys.roll(ctx.actor, input.id, ctx.viewer.id, input.graceSeconds)),
} satisfies TRPCRouterRecord;
