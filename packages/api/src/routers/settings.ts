// The signed-in person's own account: profile, email, password, second factor, sessions, deletion.
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";
import { currentPassword, email, newPassword, personName } from "./inputs.ts";

const sessionId = z.string().min(1).max(64);
const code = z.string().trim().min(1, "Enter the code.").max(32, "That is not a code.");

export const settingsRouter = {
  get: protectedProcedure.query(async ({ ctx }) => {
    const profile = await ctx.services.users.profile(ctx.viewer.id);
    return {
      email: profile.email,
      name: profile.name,
      role: profile.role,
      emailVerified: profile.emailVerified !== null,
      hasPassword: profile.hasPassword,
      providers: profile.providers,
      twoFactor: profile.totpEnabledAt !== null,
      recoveryCodesLeft: profile.totpEnabledAt ? await ctx.services.secondFactor.remainingCodes(ctx.viewer.id) : 0,
    };
  }),

  rename: protectedProcedure
    .input(z.object({ name: personName }))
    .mutation(({ ctx, input }) => ctx.services.accounts.rename(ctx.actor, input.name)),

  resendVerification: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.throttle.mail("verify", ctx.viewer.email, ctx.client?.ip ?? null);
    const sent = await ctx.services.accounts.resendVerification(ctx.viewer.id);
    if (!sent) throw new TRPCError({ code: "BAD_REQUEST", message: "Your address is already verified." });
    return sent;
  }),

  changeEmail: protectedProcedure
    .input(z.object({ email, password: currentPassword.nullish() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.throttle.mail("email-change", input.email, ctx.client?.ip ?? null);
      return ctx.services.accounts.requestEmailChange(ctx.viewer.id, input.email, input.password ?? null);
    }),

  changePassword: protectedProcedure
    .input(z.object({ current: currentPassword, next: newPassword }))
    .mutation(({ ctx, input }) => ctx.services.accounts.changePassword(ctx.actor, input.current, input.next, ctx.viewer.sessionId)),

  sessions: {
    list: protectedProcedure.query(async ({ ctx }) =>
      (await ctx.services.sessions.list(ctx.viewer.id)).map((s) => ({ ...s, current: s.id === ctx.viewer.sessionId })),
    ),
    revoke: protectedProcedure.input(z.object({ id: sessionId })).mutation(async ({ ctx, input }) => {
      if (!(await ctx.services.sessions.revoke(ctx.viewer.id, input.id))) throw new TRPCError({ code: "NOT_FOUND", message: "No such session." });
      await ctx.services.accounts.record(ctx.actor, "auth.session_revoke", ctx.viewer.id, { current: input.id === ctx.viewer.sessionId });
    }),
    /** "Sign out everywhere else": every session but this browser's. */
    revokeOthers: protectedProcedure.mutation(async ({ ctx }) => {
      const ended = await ctx.services.sessions.revokeAll(ctx.viewer.id, ctx.viewer.sessionId);
      await ctx.services.accounts.record(ctx.actor, "auth.session_revoke_all", ctx.viewer.id, { ended });
      return { ended };
    }),
  },

  twoFactor: {
    /** A new secret to scan; nothing changes at sign-in until `confirm` gets a code from it. */
    begin: protectedProcedure.mutation(async ({ ctx }) => {
      const started = await ctx.services.secondFactor.begin(ctx.viewer.id, ctx.viewer.email);
      if (!started) throw new TRPCError({ code: "CONFLICT", message: "Two-factor sign-in is already on." });
      return { secret: started.secret, qr: started.qr, uri: started.uri };
    }),
    confirm: protectedProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
      const codes = await ctx.services.secondFactor.confirm(ctx.viewer.id, input.code);
      if (!codes) throw new TRPCError({ code: "BAD_REQUEST", message: "That code is not right. Enter the 6-digit code your app shows now." });
      await ctx.services.accounts.record(ctx.actor, "auth.2fa_enable", ctx.viewer.id);
      return { recoveryCodes: codes };
    }),
    regenerateCodes: protectedProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
      if (!(await ctx.services.secondFactor.check(ctx.viewer.id, input.code))) throw new TRPCError({ code: "BAD_REQUEST", message: "That code is not right." });
      const codes = await ctx.services.secondFactor.regenerateCodes(ctx.viewer.id);
      await ctx.services.accounts.record(ctx.actor, "auth.2fa_recovery_codes", ctx.viewer.id);
      return { recoveryCodes: codes };
    }),
    /** Needs a current code (or a recovery code): a stolen session alone cannot turn it off. */
    disable: protectedProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
      if (ctx.viewer.role === "admin" && ctx.services.config.ADMIN_REQUIRE_2FA === "true") {
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Admins must keep two-factor sign-in on." });
      }
      if (!(await ctx.services.secondFactor.check(ctx.viewer.id, input.code))) throw new TRPCError({ code: "BAD_REQUEST", message: "That code is not right." });
      await ctx.services.secondFactor.disable(ctx.viewer.id);
      await ctx.services.accounts.record(ctx.actor, "auth.2fa_disable", ctx.viewer.id);
    }),
  },

  deleteAccount: protectedProcedure
    .input(z.object({ confirmEmail: z.string().max(320), password: currentPassword.nullish() }))
    .mutation(({ ctx, input }) => ctx.services.accounts.deleteAccount(ctx.actor, input.password ?? null, input.confirmEmail)),
} satisfies TRPCRouterRecord;
