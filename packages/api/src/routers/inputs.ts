// Input pieces several routers share.
import { z } from "zod";
import { MAX_ALLOWLIST_ENTRIES, parseAllowlist, PERMISSION_NAME, type Window } from "@keyway/core";
import { MAX_CREDITS, MAX_LIMIT } from "@keyway/db";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@keyway/auth";

export const keyId = z.string().regex(/^[0-9A-Za-z]{16}$/, "Not a key id.");
export const range = z.enum(["hour", "day", "month", "year"]);
export const email = z.string().trim().toLowerCase().max(320, "An email address is at most 320 characters.").email("Enter a valid email address.");
export const personName = z.string().trim().min(1, "Tell us your name.").max(100, "A name is at most 100 characters.");
export const newPassword = z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(MAX_PASSWORD_LENGTH, `A password is at most ${MAX_PASSWORD_LENGTH} characters.`);
/** A password being checked: any length up to the cap (an old one may be shorter than today's minimum). */
export const currentPassword = z.string().max(MAX_PASSWORD_LENGTH, `A password is at most ${MAX_PASSWORD_LENGTH} characters.`);
export const workspaceName = z.string().trim().min(1, "Name the workspace.").max(64, "A workspace name is at most 64 characters.");
/** A token from a mailed link. */
export const linkToken = z.string().min(1, "This link is incomplete.").max(200, "This link is not valid.");

const limit = (w: Window) =>
  z
    .number({ error: `The per-${w} limit must be a whole number.` })
    .int(`The per-${w} limit must be a whole number.`)
    .min(1, `The per-${w} limit must be at least 1.`)
    .max(MAX_LIMIT, `The per-${w} limit can be at most ${MAX_LIMIT.toLocaleString("en")}.`);
export const limits = z.object({ minute: limit("minute"), hour: limit("hour"), day: limit("day"), month: limit("month") });
/** A key's own limits: null leaves that window to the workspace's plan. */
export const overrides = z.object({ minute: limit("minute").nullable(), hour: limit("hour").nullable(), day: limit("day").nullable(), month: limit("month").nullable() });

/** The most a key's metadata may weigh, as JSON (it travels with every verification). */
export const MAX_METADATA_BYTES = 4_096;
/** A key's metadata: a JSON object (not an array or a scalar) of at most 4 KiB. */
export const metadata = z
  .object({}, { error: "Metadata is a JSON object." })
  .catchall(z.json())
  .refine((m) => Object.keys(m).every((name) => name.length >= 1 && name.length <= 64), "A metadata name is 1 to 64 characters.")
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES, `Metadata is at most ${MAX_METADATA_BYTES.toLocaleString("en")} bytes as JSON.`);

/** A permission's or role's name, as the catalogue keeps it. */
export const permissionName = z
  .string()
  .trim()
  .regex(PERMISSION_NAME, "A name is 1 to 100 letters, digits and . _ : * -, starting with a letter or digit (such as orders.read).");
/** Permission or role names, each once. */
export const permissionNames = z
  .array(permissionName)
  .max(100, "At most 100 at once.")
  .transform((names) => [...new Set(names)]);
export const environment = z.enum(["live", "test"], { error: "The environment is live or test." });

/** An IP allowlist: addresses and CIDR ranges, IPv4 or IPv6, stored canonical; empty: any address. */
export const ipAllowlist = z
  .array(z.string().max(64, "An allowlist entry is at most 64 characters."))
  .max(MAX_ALLOWLIST_ENTRIES, `An allowlist has at most ${MAX_ALLOWLIST_ENTRIES} entries.`)
  .transform((entries, ctx) => {
    const parsed = parseAllowlist(entries);
    if (parsed.ok) return parsed.entries;
    ctx.addIssue({ code: "custom", message: parsed.message, path: [parsed.index] });
    return z.NEVER;
  });

const creditAmount = (what: string) =>
  z
    .number({ error: `The ${what} must be a whole number.` })
    .int(`The ${what} must be a whole number.`)
    .min(0, `The ${what} cannot be negative.`)
    .max(MAX_CREDITS, `The ${what} can be at most ${MAX_CREDITS.toLocaleString("en")}.`);
/** A credit balance with an optional refill; null removes the balance. */
export const credits = z
  .object({
    remaining: creditAmount("balance"),
    refill: z.object({ amount: creditAmount("refill amount"), interval: z.enum(["daily", "monthly"], { error: "Refills are daily or monthly." }) }).nullable(),
  })
  .nullable();
