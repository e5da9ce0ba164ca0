import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { isDomainError, type DomainErrorCode, type Actor } from "@keyway/db";
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

/** By name as well: a bundler may load zod twice. */
function asZodError(error: unknown): ZodError | null {
  return error instanceof ZodError || (error as Error | undefined)?.name === "ZodError" ? (error as ZodError) : null;
}

/** Invalid input as one line: its first problem, with the field it is about ("limits.minute: …"). */
function oneLine(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid input.";
  return `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Internal errors never carry a stack or driver message to the client.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const zod = asZodError(error.cause);
    const message = internal ? "Something went wrong on our side. Try again in a moment." : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        /** The domain's stable code (KEY_LIMIT_REACHED, TIER_IN_USE, THROTTLED…) when there is one. */
        reason: isDomainError(error.cause) ? error.cause.code : isThrottled(error.cause) ? "THROTTLED" : null,
        zodError: zod ? zod.flatten() : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const DOMAIN_ERROR_CODES = {
  NOT_FOUND: "NOT_FOUND",
  KEY_LIMIT_REACHED: "PRECONDITION_FAILED",
  ALREADY_REVOKED: "CONFLICT",
  INVALID_TIER: "BAD_REQUEST",
  INVALID_INPUT: "BAD_REQUEST",
  TIER_EXISTS: "CONFLICT",
  TIER_IN_USE: "CONFLICT",
  LAST_ADMIN: "PRECONDITION_FAILED",
} as const satisfies Record<DomainErrorCode, TRPCError["code"]>;

/** Invalid input and domain errors become tRPC errors with a one-line message; anything else stays internal. */
const errors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  const zod = asZodError(cause);
  if (zod) throw new TRPCError({ code: "BAD_REQUEST", message: oneLine(zod), cause: zod });
  if (isDomainError(cause)) throw new TRPCError({ code: DOMAIN_ERROR_CODES[cause.code], message: cause.message, cause });
  if (isThrottled(cause)) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  return result;
});

export const publicProcedure = t.procedure.use(errors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  const actor: Actor = { id: ctx.viewer.id, role: ctx.viewer.role, ip: ctx.client?.ip ?? null, userAgent: ctx.client?.userAgent ?? null };
  return next({ ctx: { ...ctx, viewer: ctx.viewer, actor } });
});

/** The role is read from the database on every call, whatever the session or caller claims. */
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.services.db.user.findUnique({ where: { id: ctx.viewer.id }, select: { role: true, disabled: true } });
  if (!user || user.disabled || user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  return next();
});
