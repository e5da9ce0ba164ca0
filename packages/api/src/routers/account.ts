import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc.ts";
import { MIN_PASSWORD_LENGTH } from "../services/passwords.ts";

export const accountRouter = {
  /** Self-service sign-up with email and password; the browser signs in right after. */
  signUp: publicProcedure
    .input(
      z.object({
        email: z.string().trim().toLowerCase().max(320).email("Enter a valid email address."),
        name: z.string().trim().min(1, "Tell us your name.").max(100),
        password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(1024),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.services.throttle.signUp(ctx.client?.ip ?? null);
      const created = await ctx.services.users.register(input);
      if (!created) throw new TRPCError({ code: "CONFLICT", message: "An account with this email already exists. Sign in instead." });
      return { email: created.email };
    }),
} satisfies TRPCRouterRecord;
