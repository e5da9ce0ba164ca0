// The admin console's procedures. Every one goes through adminProcedure (role read from the
// database on each call); the decisions themselves live in @keyway/db's adminService and keyService.
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { SERVICE_SCOPE_NAMES, SERVICE_SCOPES, type ServiceScope } from "@keyway/core";
import { adminProcedure, workspaceId } from "../trpc.ts";
import { credits, keyId, limits, overrides, permissionName, permissionNames, range, workspaceName } from "./inputs.ts";

const userId = z.string().min(1).max(64);
const tierName = z.string().trim().min(1, "Name the tier.").max(20, "A tier name is at most 20 characters.");
const description = z.string().trim().max(200, "A description is at most 200 characters.");
const maxKeyLifetimeDays = z
  .number({ error: "The maximum lifetime is a whole number of days." })
  .int("The maximum lifetime is a whole number of days.")
  .min(1, "The maximum lifetime is at least 1 day.")
  .max(3_650, "The maximum lifetime is at most 3,650 days.")
  .nullable();

export const adminRouter = {
  overview: adminProcedure.input(z.object({ range })).query(async ({ ctx, input }) => {
    const [series, busiest, refused, users, activeKeys] = await Promise.all([
      ctx.services.usage.series("all", input.range),
      ctx.services.usage.topKeys(input.range, "requests", 10),
      ctx.services.usage.topKeys(input.range, "rateLimited", 10),
      ctx.services.db.user.count(),
      ctx.services.db.apiKey.count({ where: { status: "active" } }),
    ]);
    return { ...series, busiest, refused, users, activeKeys };
  }),

  tiers: {
    list: adminProcedure.query(({ ctx }) => ctx.services.admin.tiers.list()),
    create: adminProcedure
      .input(z.object({ name: tierName, description, limits, maxKeyLifetimeDays: maxKeyLifetimeDays.default(null) }))
      .mutation(({ ctx, input }) => ctx.services.admin.tiers.create(ctx.actor, input)),
    update: adminProcedure
      .input(z.object({ name: tierName, description, limits, maxKeyLifetimeDays: maxKeyLifetimeDays.optional() }))
      .mutation(({ ctx, input }) => ctx.services.admin.tiers.update(ctx.actor, input.name, input)),
    remove: adminProcedure
      .input(z.object({ name: tierName }))
      .mutation(({ ctx, input }) => ctx.services.admin.tiers.remove(ctx.actor, input.name)),
  },

  /** The permission catalogue keys are granted from. */
  permissions: {
    list: adminProcedure.query(({ ctx }) => ctx.services.catalogue.permissions.list()),
    create: adminProcedure
      .input(z.object({ name: permissionName, description: description.default("") }))
      .mutation(({ ctx, input }) => ctx.services.catalogue.permissions.create(ctx.actor, input)),
    update: adminProcedure
      .input(z.object({ name: permissionName, description }))
      .mutation(({ ctx, input }) => ctx.services.catalogue.permissions.update(ctx.actor, input.name, input.description)),
    remove: adminProcedure
      .input(z.object({ name: permissionName }))
      .mutation(({ ctx, input }) => ctx.services.catalogue.permissions.remove(ctx.actor, input.name)),
  },

  /** Service tokens: what the platform's own services call the API with, each limited to its scopes. */
  tokens: {
    /** The tokens, newest first, and the scopes a token may have (with what each allows). */
    list: adminProcedure.query(async ({ ctx }) => ({
      tokens: await ctx.services.serviceTokens.list(),
      scopes: SERVICE_SCOPE_NAMES.map((name) => ({ name, description: SERVICE_SCOPES[name] })),
    })),
    /** A new token; its secret is returned this once. */
    create: adminProcedure
      .input(z.object({
        name: z.string().trim().min(1, "Name the token (what uses it, e.g. billing).").max(64, "A name is at most 64 characters."),
        scopes: z.array(z.enum(SERVICE_SCOPE_NAMES as [ServiceScope, ...ServiceScope[]], { error: "Not a scope." })).min(1, "Choose at least one scope.").max(SERVICE_SCOPE_NAMES.length),
        expiresInDays: z.number().int().min(1).max(3_650).nullable().default(null),
      }))
      .mutation(({ ctx, input }) => ctx.services.serviceTokens.create(ctx.actor, input)),
    revoke: adminProcedure
      .input(z.object({ id: z.string().regex(/^[0-9A-Za-z]{16}$/, "Not a token id.") }))
      .mutation(({ ctx, input }) => ctx.services.serviceTokens.revoke(ctx.actor, input.id)),
  },

  /** Roles: named sets of the catalogue's permissions. */
  roles: {
    list: adminProcedure.query(({ ctx }) => ctx.services.catalogue.roles.list()),
    create: adminProcedure
      .input(z.object({ name: permissionName, description: description.default(""), permissions: permissionNames }))
      .mutation(({ ctx, input }) => ctx.services.catalogue.roles.create(ctx.actor, input)),
    update: adminProcedure
      .input(z.object({ name: permissionName, description, permissions: permissionNames }))
      .mutation(({ ctx, input }) => ctx.services.catalogue.roles.update(ctx.actor, input.name, input)),
    remove: adminProcedure
      .input(z.object({ name: permissionName }))
      .mutation(({ ctx, input }) => ctx.services.catalogue.roles.remove(ctx.actor, input.name)),
  },

  users: {
    list: adminProcedure
      .input(z.object({ q: z.string().max(200).optional(), page: z.number().int().min(0).max(100_000).default(0) }))
      .query(({ ctx, input }) => ctx.services.admin.users.list(input)),
    get: adminProcedure.input(z.object({ userId })).query(async ({ ctx, input }) => {
      const user = await ctx.services.admin.users.get(input.userId);
      return { ...user, keys: await ctx.services.usage.withLastUse(await ctx.services.keys.list({ userId: user.id })) };
    }),
    setTier: adminProcedure
      .input(z.object({ userId, tier: tierName }))
      .mutation(({ ctx, input }) => ctx.services.keys.setUserTier(ctx.actor, input.userId, input.tier)),
    setRole: adminProcedure
      .input(z.object({ userId, role: z.enum(["developer", "admin"]) }))
      .mutation(({ ctx, input }) => ctx.services.admin.users.setRole(ctx.actor, input.userId, input.role)),
    setDisabled: adminProcedure
      .input(z.object({ userId, disabled: z.boolean() }))
      .mutation(({ ctx, input }) => ctx.services.admin.users.setDisabled(ctx.actor, input.userId, input.disabled)),
  },

  workspaces: {
    list: adminProcedure
      .input(z.object({ q: z.string().max(200).optional(), page: z.number().int().min(0).max(100_000).default(0) }))
      .query(({ ctx, input }) => ctx.services.admin.workspaces.list(input)),
    /** The workspace's plan and overrides, members, keys and open invitations. */
    get: adminProcedure.input(z.object({ workspaceId })).query(async ({ ctx, input }) => {
      const [workspace, members, keys, invitations] = await Promise.all([
        ctx.services.workspaces.get(input.workspaceId),
        ctx.services.workspaces.members(input.workspaceId),
        ctx.services.keys.list({ workspaceId: input.workspaceId }),
        ctx.services.invitations.list(input.workspaceId),
      ]);
      return { ...workspace, members, keys: await ctx.services.usage.withLastUse(keys), invitations };
    }),
    /** A customer's workspace, with no members (its keys come from operators or the platform API). */
    create: adminProcedure
      .input(z.object({ name: workspaceName, externalId: z.string().trim().regex(/^[\w.:@-]{1,128}$/, "An external id is 1 to 128 letters, digits and . _ : @ -").nullish(), tier: tierName.default("free") }))
      .mutation(({ ctx, input }) => ctx.services.admin.workspaces.create(ctx.actor, input)),
    setTier: adminProcedure
      .input(z.object({ workspaceId, tier: tierName }))
      .mutation(({ ctx, input }) => ctx.services.admin.workspaces.setTier(ctx.actor, input.workspaceId, input.tier)),
    /** Overrides of the workspace's plan, window by window (null: the plan's value). */
    setLimits: adminProcedure
      .input(z.object({ workspaceId, limits: overrides }))
      .mutation(({ ctx, input }) => ctx.services.admin.workspaces.setLimits(ctx.actor, input.workspaceId, input.limits)),
    /** The workspace's shared credit balance and refill (null: none): every key of it takes from it. */
    setCredits: adminProcedure
      .input(z.object({ workspaceId, credits }))
      .mutation(({ ctx, input }) => ctx.services.admin.workspaces.setCredits(ctx.actor, input.workspaceId, input.credits)),
  },

  keys: {
    /** Overrides one key's limits; a null window goes back to the owner's tier. */
    setLimits: adminProcedure
      .input(z.object({ keyId, limits: overrides }))
      .mutation(({ ctx, input }) => ctx.services.keys.setLimits(ctx.actor, input.keyId, input.limits)),
    revoke: adminProcedure
      .input(z.object({ keyId }))
      .mutation(({ ctx, input }) => ctx.services.keys.revoke(ctx.actor, input.keyId, null)),
  },

  usage: {
    /** Requests over time for any user, workspace or key. */
    series: adminProcedure
      .input(z.object({ range, userId: userId.optional(), workspaceId: workspaceId.optional(), keyId: keyId.optional() }))
      .query(({ ctx, input }) =>
        ctx.services.usage.series(
          input.keyId ? { keyIds: [input.keyId] } : input.workspaceId ? { workspaceId: input.workspaceId } : input.userId ? { userId: input.userId } : "all",
          input.range,
        ),
      ),
    quota: adminProcedure.input(z.object({ keyId })).query(({ ctx, input }) => ctx.services.usage.quota(input.keyId)),
  },

  audit: {
    list: adminProcedure
      .input(
        z.object({
          actor: z.string().max(320).optional(),
          target: z.string().max(320).optional(),
          action: z.string().max(64).optional(),
          from: z.date().optional(),
          to: z.date().optional(),
          /** The `next` of the previous page (tRPC's infinite queries call it the cursor). */
          cursor: z
            .string()
            .regex(/^\d{1,19}$/, "Not a cursor.")
            .refine((c) => BigInt(c) <= 9_223_372_036_854_775_807n, "Not a cursor.") // the id column is a bigint
            .nullish(),
        }),
      )
      .query(({ ctx, input: { cursor, ...filter } }) => ctx.services.admin.audit.list({ ...filter, before: cursor ? BigInt(cursor) : undefined })),
    actions: adminProcedure.query(({ ctx }) => ctx.services.admin.audit.actions()),
  },
} satisfies TRPCRouterRecord;
