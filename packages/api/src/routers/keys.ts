// A workspace's keys. Viewers see the list; developers and up create, rename, roll and revoke;
// admins and owners set a key's own limits at or below the workspace's plan.
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { workspaceProcedure } from "../trpc.ts";
import { keyId, metadata, overrides } from "./inputs.ts";
const name = z.string().trim().min(1, "Give the key a name.").max(64, "Names are at most 64 characters.");

export const keysRouter = {
  list: workspaceProcedure("viewer").query(async ({ ctx }) => ctx.services.usage.withLastUse(await ctx.services.keys.list({ workspaceId: ctx.workspace.id }))),

  /** One of the workspace's keys, with its last use and its events (created, renamed, rolled, revoked, limits). */
  get: workspaceProcedure("viewer")
    .input(z.object({ id: keyId }))
    .query(async ({ ctx, input }) => {
      const [key] = await ctx.services.usage.withLastUse([await ctx.services.keys.get(input.id, ctx.workspace.id)]);
      return { ...key!, events: await ctx.services.keys.events(key!.id) };
    }),

  /** The key's latest verifications (newest first): when, the answer, which limit refused it, the client's address. */
  recent: workspaceProcedure("viewer")
    .input(z.object({ id: keyId }))
    .query(({ ctx, input }) => ctx.services.usage.recent(input.id, ctx.workspace.id)),

  create: workspaceProcedure("developer")
    .input(
      z.object({
        name,
        expiresInDays: z.number().int().min(1).max(3650).nullish(),
        metadata: metadata.optional(),
      }),
    )
    .mutation(({ ctx, input: { workspaceId: _, ...input } }) => ctx.services.keys.create(ctx.actor, { userId: ctx.viewer.id, workspaceId: ctx.workspace.id, ...input })),

  rename: workspaceProcedure("developer")
    .input(z.object({ id: keyId, name }))
    .mutation(({ ctx, input }) => ctx.services.keys.rename(ctx.actor, input.id, ctx.workspace.id, input.name)),

  revoke: workspaceProcedure("developer")
    .input(z.object({ id: keyId }))
    .mutation(({ ctx, input }) => ctx.services.keys.revoke(ctx.actor, input.id, ctx.workspace.id)),

  roll: workspaceProcedure("developer")
    .input(z.object({ id: keyId, graceSeconds: z.number().int().min(0).max(86_400).default(0) }))
    .mutation(({ ctx, input }) => ctx.services.keys.roll(ctx.actor, input.id, ctx.workspace.id, input.graceSeconds)),

  /** Replaces the key's metadata (returned by every verification from the key's next request). */
  setMetadata: workspaceProcedure("developer")
    .input(z.object({ id: keyId, metadata }))
    .mutation(({ ctx, input }) => ctx.services.keys.setMetadata(ctx.actor, input.id, ctx.workspace.id, input.metadata)),

  /** A key's own limits, each at most the workspace's (null: only the workspace's plan applies). */
  setLimits: workspaceProcedure("admin")
    .input(z.object({ id: keyId, limits: overrides }))
    .mutation(({ ctx, input }) => ctx.services.keys.setLimits(ctx.actor, input.id, input.limits, ctx.workspace.id)),
} satisfies TRPCRouterRecord;
