import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { isKeyError, type KeyError, type Actor } from "@keyway/db";
import type { Services } from "./services/index.ts";
import type { Viewer } from "./services/sessions.ts";
import { isThrottled } from "./services/throttle.ts";

export interface Context {
  services: Services;
  viewer: Viewer | null;
  /** Who is asking, for the audit log. */
  client?: { ip: string | null; userAgent: string | null };
}

/** The context without any framework: tests and the Next adapter both build it this way. */
export function createContextInner(input: Context): Context {
  return input;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Internal errors never carry a stack or driver message to the client.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal ? "Something went wrong on our side. Try again in a moment." : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        zodError: error.cause instanceof ZodError || error.cause?.name === "ZodError" ? (error.cause as ZodError).flatten() : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const KEY_ERROR_CODES = {
  NOT_FOUND: "NOT_FOUND",
  KEY_LIMIT_REACHED: "PRECONDITION_FAILED",
  ALREADY_REVOKED: "CONFLICT",
  INVALID_TIER: "BAD_REQUEST",
  INVALID_INPUT: "BAD_REQUEST",
} as const satisfies Record<KeyError["code"], TRPCError["code"]>;

/** Domain errors become tRPC errors with their one-line message; anything else stays internal. */
const errors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (isKeyError(cause)) throw new TRPCError({ code: KEY_ERROR_CODES[cause.code], message: cause.message, cause });
  if (isThrottled(cause)) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  return result;
});

export const publicProcedure = t.procedure.use(errors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  const actor: Actor = { id: ctx.viewer.id, role: ctx.viewer.role, ip: ctx.client?.ip ?? null, userAgent: ctx.client?.userAgent ?? null };
  return next({ ctx: { ...ctx, viewer: ctx.viewer, actor } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  return next();
});
