// Workspaces and their members. Who may do what: viewer < developer < admin < owner, each role
// able to do what the ones before it can (workspaceProcedure checks it on every call); the rules
// about owners (only an owner makes one; one always remains) live in the workspace service.
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, workspaceProcedure } from "../trpc.ts";
import { email, linkToken, workspaceName as name } from "./inputs.ts";

const role = z.enum(["owner", "admin", "developer", "viewer"], { error: "A role is owner, admin, developer or viewer." });
const userId = z.string().min(1).max(64);
const invitationId = z.string().regex(/^[\w-]{1,64}$/, "Not an invitation id.");

export const workspacesRouter = {
  /** The caller's workspaces, with their role in each. */
  list: protectedProcedure.query(({ ctx }) => ctx.services.workspaces.listFor(ctx.viewer.id)),

  create: protectedProcedure.input(z.object({ name })).mutation(({ ctx, input }) => ctx.services.workspaces.create(ctx.actor, input.name)),

  /** The workspace, its plan and limits, and the caller's role in it. */
  get: workspaceProcedure("viewer").query(async ({ ctx }) => ({ ...(await ctx.services.workspaces.get(ctx.workspace.id)), role: ctx.workspace.role })),

  /** The latest events of the workspace (its overview's activity list); invitees' addresses for admins only. */
  activity: workspaceProcedure("viewer").query(({ ctx }) =>
    ctx.services.workspaces.activity(ctx.workspace.id, { take: 10, invitees: ctx.workspace.role === "admin" || ctx.workspace.role === "owner" }),
  ),

  rename: workspaceProcedure("admin").input(z.object({ name })).mutation(({ ctx, input }) => ctx.services.workspaces.rename(ctx.member, ctx.workspace.id, input.name)),

  /** Deletes a team workspace and its keys. The name is typed again, as a confirmation. */
  remove: workspaceProcedure("owner")
    .input(z.object({ confirmName: z.string().max(64) }))
    .mutation(async ({ ctx, input }) => {
      const workspace = await ctx.services.workspaces.get(ctx.workspace.id);
      if (input.confirmName.trim() !== workspace.name) throw new TRPCError({ code: "BAD_REQUEST", message: "confirmName: type the workspace's name to delete it." });
      await ctx.services.workspaces.remove(ctx.member, ctx.workspace.id);
      return { deleted: true };
    }),

  /** Members; admins and owners also get the open invitations. */
  members: workspaceProcedure("viewer").query(async ({ ctx }) => ({
    members: await ctx.services.workspaces.members(ctx.workspace.id),
    invitations: ctx.workspace.role === "admin" || ctx.workspace.role === "owner" ? await ctx.services.invitations.list(ctx.workspace.id) : null,
  })),

  invite: workspaceProcedure("admin")
    .input(z.object({ email, role }))
    .mutation(({ ctx, input }) => ctx.services.invitations.invite(ctx.member, ctx.workspace.id, input)),

  revokeInvitation: workspaceProcedure("admin")
    .input(z.object({ invitationId }))
    .mutation(({ ctx, input }) => ctx.services.invitations.revoke(ctx.member, ctx.workspace.id, input.invitationId)),

  setRole: workspaceProcedure("admin")
    .input(z.object({ userId, role }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.setRole(ctx.member, ctx.workspace.id, input.userId, input.role)),

  removeMember: workspaceProcedure("admin")
    .input(z.object({ userId }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.removeMember(ctx.member, ctx.workspace.id, input.userId)),

  /** Any member may leave, but the last owner. */
  leave: workspaceProcedure("viewer").mutation(({ ctx }) => ctx.services.workspaces.removeMember(ctx.member, ctx.workspace.id, ctx.viewer.id)),
} satisfies TRPCRouterRecord;

export const invitationsRouter = {
  /** Open invitations to the caller's verified address. */
  mine: protectedProcedure.query(({ ctx }) => ctx.services.invitations.mine(ctx.viewer.id)),

  /** What a mailed link is about. */
  preview: protectedProcedure.input(z.object({ token: linkToken })).query(({ ctx, input }) => ctx.services.invitations.preview(input.token, ctx.viewer.id)),

  accept: protectedProcedure.input(z.object({ id: invitationId })).mutation(({ ctx, input }) => ctx.services.invitations.respond(ctx.actor, input.id, true)),
  decline: protectedProcedure.input(z.object({ id: invitationId })).mutation(({ ctx, input }) => ctx.services.invitations.respond(ctx.actor, input.id, false)),
} satisfies TRPCRouterRecord;
