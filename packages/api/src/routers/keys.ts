// A workspace's keys. Viewers see the list; developers and up create, rename, roll and revoke;
// admins and owners set a key's own limits at or below the workspace's plan, grant permissions
// and roles from the catalogue, and set its IP allowlist and credits.
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { atLeast, DomainError } from "@keyway/db";
import { workspaceProcedure } from "../trpc.ts";
import { credits, environment, ipAllowlist, keyId, metadata, overrides, permissionNames } from "./inputs.ts";
const name = z.string().trim().min(1, "Give the key a name.").max(64, "Names are at most 64 characters.");

export const keysRouter = {
  list: workspaceProcedure("viewer").query(async ({ ctx }) => ctx.services.usage.withLastUse(await ctx.services.keys.list({ workspaceId: ctx.workspace.id }))),

  /** One of the workspace's keys, with its last use and its events (created, renamed, rolled, revoked, limits). */
  get: workspaceProcedure("viewer")
    .input(z.object({ id: keyId }))
    .query(async ({ ctx, input }) => {
      const [key] = await ctx.services.usage.withLastUse([await ctx.services.keys.get(input.id, ctx.workspace.id)]);
      const [events, creditsNow] = await Promise.all([
        ctx.services.keys.events(key!.id),
        // the balance as Redis holds it now (requests take from it there), else as last reconciled
        ctx.services.credits.current({ scope: "key", id: key!.id, workspaceId: key!.workspaceId, stored: key!.creditsRemaining, version: key!.creditsVersion }),
      ]);
      return { ...key!, events, creditsNow };
    }),

  /** The key's latest verifications (newest first): when, the answer, which limit refused it, the client's address. */
  recent: workspaceProcedure("viewer")
    .input(z.object({ id: keyId }))
    .query(({ ctx, input }) => ctx.services.usage.recent(input.id, ctx.workspace.id)),

  /** The permissions and roles keys may be granted (the platform's catalogue), for the new-key and key pages. */
  catalogue: workspaceProcedure("viewer").query(async ({ ctx }) => {
    const [permissions, roles] = await Promise.all([ctx.services.catalogue.permissions.list(), ctx.services.catalogue.roles.list()]);
    return {
      permissions: permissions.map((p) => ({ name: p.name, description: p.description })),
      roles: roles.map((r) => ({ name: r.name, description: r.description, permissions: r.permissions })),
    };
  }),

  /**
   * A new key, live or test. Developers make keys with every permission the workspace's services
   * accept of them (none asked); granting permissions and roles (a restricted key), an allowlist
   * or credits is for the workspace's admins.
   */
  create: workspaceProcedure("developer")
    .input(
      z.object({
        name,
        expiresInDays: z.number().int().min(1).max(3650).nullish(),
        metadata: metadata.optional(),
        environment: environment.default("live"),
        permissions: permissionNames.optional(),
        roles: permissionNames.optional(),
        ipAllowlist: ipAllowlist.optional(),
        credits: credits.optional(),
      }),
    )
    .mutation(({ ctx, input: { workspaceId: _, permissions, roles, ...input } }) => {
      const grants = permissions || roles ? { permissions: permissions ?? [], roles: roles ?? [] } : undefined;
      if ((grants || input.ipAllowlist?.length || input.credits) && !atLeast(ctx.workspace.role, "admin")) {
        throw new DomainError("ROLE_REQUIRED", `A key with permissions, an allowlist or credits needs the admin role or higher in this workspace; yours is ${ctx.workspace.role}.`);
      }
      return ctx.services.keys.create(ctx.actor, { userId: ctx.viewer.id, workspaceId: ctx.workspace.id, ...input, grants });
    }),

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

  /** Replaces the key's permissions and roles (from the catalogue; unknown names are refused, naming them). */
  setPermissions: workspaceProcedure("admin")
    .input(z.object({ id: keyId, permissions: permissionNames, roles: permissionNames }))
    .mutation(({ ctx, input }) => ctx.services.keys.setGrants(ctx.actor, input.id, ctx.workspace.id, { permissions: input.permissions, roles: input.roles })),

  /** Replaces the key's IP allowlist (empty: any address). */
  setAllowlist: workspaceProcedure("admin")
    .input(z.object({ id: keyId, ipAllowlist }))
    .mutation(({ ctx, input }) => ctx.services.keys.setAllowlist(ctx.actor, input.id, ctx.workspace.id, input.ipAllowlist)),

  /** Sets the key's credit balance and refill (null: none); requests take their cost from it. */
  setCredits: workspaceProcedure("admin")
    .input(z.object({ id: keyId, credits }))
    .mutation(({ ctx, input }) => ctx.services.keys.setCredits(ctx.actor, input.id, ctx.workspace.id, input.credits)),

  /** A key's own limits, each at most the workspace's (null: only the workspace's plan applies). */
  setLimits: workspaceProcedure("admin")
    .input(z.object({ id: keyId, limits: overrides }))
    .mutation(({ ctx, input }) => ctx.services.keys.setLimits(ctx.actor, input.id, input.limits, ctx.workspace.id)),
} satisfies TRPCRouterRecord;
