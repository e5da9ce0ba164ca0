import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { atLeast, DomainError, isDomainError, personalWorkspaceOf, type DomainErrorCode, type Actor, type Member, type WorkspaceRole } from "@keyway/db";
import { isThrottled, type Viewer } from "@keyway/auth";
import type { Services } from "@keyway/server";

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
        /** The first message for each input field, by its path ("limits.day"): what a form shows beside the field. */
        fields: zod
          ? Object.fromEntries(zod.issues.toReversed().map((i) => [i.path.join("."), i.message]))
          : isDomainError(error.cause) && error.cause.field ? { [error.cause.field]: error.cause.message } : null,
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
  ALREADY_ROLLED: "CONFLICT",
  INVALID_TIER: "BAD_REQUEST",
  INVALID_INPUT: "BAD_REQUEST",
  TIER_EXISTS: "CONFLICT",
  TIER_IN_USE: "CONFLICT",
  LAST_ADMIN: "PRECONDITION_FAILED",
  EMAIL_NOT_VERIFIED: "FORBIDDEN",
  EMAIL_TAKEN: "CONFLICT",
  INVALID_TOKEN: "BAD_REQUEST",
  WRONG_PASSWORD: "FORBIDDEN",
  SECOND_FACTOR_REQUIRED: "FORBIDDEN",
  MAIL_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  ROLE_REQUIRED: "FORBIDDEN",
  LAST_OWNER: "CONFLICT",
  PERSONAL_WORKSPACE: "BAD_REQUEST",
  WORKSPACE_LIMIT_REACHED: "PRECONDITION_FAILED",
  ALREADY_MEMBER: "CONFLICT",
  INVITATION_LIMIT_REACHED: "PRECONDITION_FAILED",
  WRONG_ACCOUNT: "FORBIDDEN",
  LIMIT_ABOVE_PLAN: "BAD_REQUEST",
  EXTERNAL_ID_TAKEN: "CONFLICT",
  UNKNOWN_PERMISSION: "BAD_REQUEST",
  UNKNOWN_ROLE: "BAD_REQUEST",
  PERMISSION_EXISTS: "CONFLICT",
  LIFETIME_ABOVE_PLAN: "BAD_REQUEST",
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

/**
 * NUL and other control characters (C0, DEL, C1, the Unicode line separators) are refused in
 * every string of every input, with the field named; tab and newline only outside the fields
 * that hold multi-line text. One rule for every procedure, so no column ever stores one.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MULTILINE_FIELDS = new Set(["description"]);

function controlCharacterAt(value: unknown, path: string[], depth = 0): string | null {
  if (typeof value === "string") return (MULTILINE_FIELDS.has(path.at(-1) ?? "") ? CONTROL : CONTROL_OR_BREAK).test(value) ? path.join(".") || "input" : null;
  if (depth > 8 || value === null || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    if (CONTROL_OR_BREAK.test(k)) return [...path, "(a key)"].join(".");
    const found = controlCharacterAt(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

const plainText = t.middleware(async ({ getRawInput, next }) => {
  const field = controlCharacterAt(await getRawInput(), []);
  if (field) throw new TRPCError({ code: "BAD_REQUEST", message: `${field}: control characters are not allowed.` });
  return next();
});

export const publicProcedure = t.procedure.use(errors).use(plainText);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  const actor: Actor & { id: string } = { id: ctx.viewer.id, role: ctx.viewer.role, ip: ctx.client?.ip ?? null, userAgent: ctx.client?.userAgent ?? null };
  return next({ ctx: { ...ctx, viewer: ctx.viewer, actor } });
});

/**
 * The role is read from the database on every call, whatever the session or caller claims; with
 * ADMIN_REQUIRE_2FA (the default) an admin without a second factor is refused until they enrol.
 */
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.services.db.user.findUnique({ where: { id: ctx.viewer.id }, select: { role: true, disabled: true, totpEnabledAt: true } });
  if (!user || user.disabled || user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  if (ctx.services.config.ADMIN_REQUIRE_2FA === "true" && !user.totpEnabledAt) {
    throw new DomainError("SECOND_FACTOR_REQUIRED", "Set up two-factor sign-in in your account settings before using the admin console.");
  }
  return next();
});

/** A workspace's id: a cuid, or the id a migrated personal workspace was given. */
export const workspaceId = z.string().regex(/^[\w-]{1,64}$/, "Not a workspace id.");

/**
 * A procedure on one workspace's objects, for members with at least `minimum` role. The input's
 * `workspaceId` names it (without one: the caller's personal workspace). Membership and role are
 * read from the database on every call, so a removed member is refused at once; a non-member is
 * told the workspace does not exist.
 */
export const workspaceProcedure = (minimum: WorkspaceRole) =>
  // optional as a whole too, so `keys.list` with no input at all still means the personal workspace
  protectedProcedure.input(z.object({ workspaceId: workspaceId.optional() }).optional()).use(async ({ ctx, input, next }) => {
    const id = input?.workspaceId ?? (await personalWorkspaceOf(ctx.services.db, ctx.viewer.id)).id;
    const role = await ctx.services.workspaces.roleOf(id, ctx.viewer.id);
    if (!role) throw new DomainError("NOT_FOUND", "No such workspace.");
    if (!atLeast(role, minimum)) {
      throw new DomainError("ROLE_REQUIRED", `This needs the ${minimum} role or higher in this workspace; yours is ${role}. Ask one of its admins.`);
    }
    const member: Member = { actor: ctx.actor, role };
    return next({ ctx: { ...ctx, workspace: { id, role }, member } });
  });
