// The doors before sign-in: sign-up, the mailed links (verify an address, reset a password).
// Answers never tell whether an address has an account.
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc.ts";
import { email, linkToken, newPassword, personName } from "./inputs.ts";

export const accountRouter = {
  /** Self-service sign-up with email and password; the browser signs in right after. */
  signUp: publicProcedure
    .input(z.object({ email, name: personName, password: newPassword }))
    .mutation(async ({ ctx, input }) => {
      const ip = ctx.client?.ip ?? null;
      await ctx.services.throttle.signUp(ip);
      await ctx.services.throttle.mail("signup", input.email, ip);
      return ctx.services.accounts.signUp(input);
    }),

  verifyEmail: publicProcedure
    .input(z.object({ token: linkToken }))
    .mutation(({ ctx, input }) => ctx.services.accounts.verifyEmail(input.token, ctx.client)),

  /** Always the same answer; a mail only when the address has an account. */
  requestPasswordReset: publicProcedure
    .input(z.object({ email }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.throttle.mail("reset", input.email, ctx.client?.ip ?? null);
      await ctx.services.accounts.requestPasswordReset(input.email);
      return { email: input.email };
    }),

  resetPassword: publicProcedure
    .input(z.object({ token: linkToken, password: newPassword }))
    .mutation(({ ctx, input }) => ctx.services.accounts.resetPassword(input.token, input.password, ctx.client)),
} satisfies TRPCRouterRecord;
