// Keyway's admin CLI: `pnpm --silent cli <command> [--flag value ...]`.
// stdout carries only JSON; errors are one line on stderr and a non-zero exit.
import path from "node:path";
import { loadConfig, ConfigError, SERVICE_SCOPE_NAMES, TIER_NAME, type ServiceScope } from "@keyway/core";
import { DomainError, describeDbError, isDomainError } from "@keyway/db";
import { createServices } from "@keyway/server";
import { loadEnvFile } from "./lib/dotenv.ts";
import { root } from "./lib/services.ts";

const USAGE = `usage: pnpm --silent cli <command>
  users:create --email E [--name N] [--role developer|admin] [--tier T] [--password P]   (refuses an existing email)
  users:promote --email E   (makes an admin; ends that user's sessions)
  keys:create  (--email E [--workspace ID] | --workspace ID) --name N [--expires-in-days D]
               (made by that user, in their personal workspace unless --workspace names one of theirs;
                with --workspace alone, a key of that workspace with no creator: a customer's)
  keys:list    --email E | --workspace ID
  keys:revoke  --id ID
  keys:roll    --id ID [--grace-seconds S]
  keys:limits  --id ID [--minute N] [--hour N] [--day N] [--month N]   (0 clears an override)
  keys:usage   --id ID
  tier:set     (--email E | --workspace ID) --tier T   (a workspace's plan; --email: the user's personal one)
  workspaces:list  --email E   (the user's workspaces, their role and plan)
  workspace:create --name N [--external-id X] [--tier T]   (a customer's workspace: no members)
  workspace:limits --workspace ID [--minute N] [--hour N] [--day N] [--month N]   (overrides of its plan; 0 clears one)
  tokens:create --name N --scopes S,S... [--expires-in-days D]   (a service token, printed once; scopes:
               ${SERVICE_SCOPE_NAMES.join(", ")})
  tokens:list
  tokens:revoke --id ID`;

class UsageError extends Error {}

function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const name = /^--([a-z-]+)$/.exec(args[i]!)?.[1];
    const value = args[i + 1];
    if (!name || value === undefined) throw new UsageError(`unexpected argument ${JSON.stringify(args[i])}`);
    flags[name] = value;
    i++;
  }
  return flags;
}

const need = (flags: Record<string, string>, name: string) => {
  const v = flags[name];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
};
const int = (flags: Record<string, string>, name: string) => {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
};

/** --minute/--hour/--day/--month as limit overrides (0 clears one); at least one is needed. */
const limitFlags = (flags: Record<string, string>) => {
  const overrides = Object.fromEntries(
    (["minute", "hour", "day", "month"] as const).filter((w) => flags[w] !== undefined).map((w) => [w, int(flags, w) === 0 ? null : int(flags, w)]),
  );
  if (Object.keys(overrides).length === 0) throw new UsageError("give at least one of --minute --hour --day --month");
  return overrides;
};

const [command, ...rest] = process.argv.slice(2);
loadEnvFile(path.join(root, ".env"), process.env);
loadEnvFile(path.join(root, ".keyway", "runtime.env"), process.env);
loadEnvFile(path.join(root, ".keyway", "dev.env"), process.env);
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/keyway";
process.env.REDIS_URL ??= "redis://127.0.0.1:6379";

let services: ReturnType<typeof createServices> | undefined;
let code = 0;
try {
  if (!command || command === "help" || command === "--help") throw new UsageError("");
  const flags = parseFlags(rest);
  // not the request path: a slow first query must not time Redis out
  services = createServices(loadConfig({ ...process.env, LOG_LEVEL: "silent", REDIS_COMMAND_TIMEOUT_MS: "5000" }));
  const s = services;
  await s.ready();
  const actor = { id: null, role: "cli" as const };
  const userByEmail = async (email: string) => {
    const user = await s.db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
    if (!user) throw new DomainError("NOT_FOUND", `no user with email ${email}`);
    return user.id;
  };
  const keyView = (k: { id: string; prefix: string; name: string; status: string; tierAtCreation: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null; limitMinute: number | null; limitHour: number | null; limitDay: number | null; limitMonth: number | null }) => ({
    id: k.id, name: k.name, prefix: k.prefix, tier: k.tierAtCreation, status: k.status,
    createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, expiresAt: k.expiresAt, revokedAt: k.revokedAt,
    limitOverrides: { minute: k.limitMinute, hour: k.limitHour, day: k.limitDay, month: k.limitMonth },
  });
  let out: unknown;
  switch (command) {
    case "users:create": {
      const role = flags.role ?? "developer";
      if (role !== "developer" && role !== "admin") throw new UsageError("--role is developer or admin");
      const tier = flags.tier ?? "free";
      if (!TIER_NAME.test(tier)) throw new UsageError("--tier is a tier name");
      const password = flags.password;
      if (password !== undefined && password.length < 10) throw new UsageError("--password must be at least 10 characters");
      const email = need(flags, "email");
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError("--email is not an email address");
      const existing = await s.db.tier.findUnique({ where: { name: tier } });
      if (!existing) throw new DomainError("INVALID_TIER", `there is no tier named ${tier}`);
      const user = await s.users.createWithPassword({ email, name: flags.name ?? null, password: password ?? null, role, tier });
      out = { id: user.id, email: user.email, role, tier };
      break;
    }
    case "users:promote":
      out = await s.admin.users.promote(actor, need(flags, "email"));
      break;
    case "keys:create": {
      const userId = flags.email || !flags.workspace ? await userByEmail(need(flags, "email")) : null;
      const workspaceId = flags.workspace;
      if (userId && workspaceId && !(await s.workspaces.roleOf(workspaceId, userId))) throw new DomainError("NOT_FOUND", `${flags.email} is not a member of workspace ${workspaceId}`);
      const name = need(flags, "name").trim();
      if (name.length < 1 || name.length > 64) throw new UsageError("--name is 1 to 64 characters");
      const days = int(flags, "expires-in-days");
      if (days !== undefined && (days < 1 || days > 3650)) throw new UsageError("--expires-in-days is 1 to 3650");
      const { key, record } = await s.keys.create(actor, { userId, workspaceId, name, expiresInDays: days });
      out = { id: record.id, key, prefix: record.prefix, tier: record.tierAtCreation, expiresAt: record.expiresAt };
      break;
    }
    case "keys:list":
      out = (await s.keys.list(flags.workspace ? { workspaceId: flags.workspace } : { userId: await userByEmail(need(flags, "email")) })).map(keyView);
      break;
    case "keys:revoke":
      out = keyView(await s.keys.revoke(actor, need(flags, "id"), null));
      break;
    case "keys:roll": {
      const { key, record } = await s.keys.roll(actor, need(flags, "id"), null, int(flags, "grace-seconds") ?? 0);
      out = { id: record.id, key, prefix: record.prefix, tier: record.tierAtCreation, expiresAt: record.expiresAt };
      break;
    }
    case "keys:limits":
      out = keyView(await s.keys.setLimits(actor, need(flags, "id"), limitFlags(flags)));
      break;
    case "keys:usage": {
      await s.keys.get(need(flags, "id"), null);
      out = await s.usage.summary(need(flags, "id"));
      break;
    }
    case "tier:set":
      out = flags.workspace
        ? await s.admin.workspaces.setTier(actor, flags.workspace, need(flags, "tier"))
        : await s.keys.setUserTier(actor, await userByEmail(need(flags, "email")), need(flags, "tier"));
      break;
    case "workspace:create": {
      const name = need(flags, "name").trim();
      if (name.length > 64) throw new UsageError("--name is 1 to 64 characters");
      const externalId = flags["external-id"];
      if (externalId !== undefined && !/^[\w.:@-]{1,128}$/.test(externalId)) throw new UsageError("--external-id is 1 to 128 letters, digits and . _ : @ -");
      out = await s.admin.workspaces.create(actor, { name, externalId, tier: flags.tier });
      break;
    }
    case "workspaces:list":
      out = (await s.admin.users.get(await userByEmail(need(flags, "email")))).workspaces;
      break;
    case "workspace:limits":
      out = await s.admin.workspaces.setLimits(actor, need(flags, "workspace"), limitFlags(flags));
      break;
    case "tokens:create": {
      const name = need(flags, "name").trim();
      if (name.length < 1 || name.length > 64) throw new UsageError("--name is 1 to 64 characters");
      const scopes = need(flags, "scopes").split(",").map((x) => x.trim()).filter(Boolean);
      const unknown = scopes.find((x) => !SERVICE_SCOPE_NAMES.includes(x as ServiceScope));
      if (unknown !== undefined) throw new UsageError(`there is no scope named ${JSON.stringify(unknown)}`);
      const days = int(flags, "expires-in-days");
      if (days !== undefined && (days < 1 || days > 3650)) throw new UsageError("--expires-in-days is 1 to 3650");
      const { token, record } = await s.serviceTokens.create(actor, { name, scopes: scopes as ServiceScope[], expiresInDays: days ?? null });
      out = { id: record.id, token, prefix: record.prefix, name: record.name, scopes: record.scopes, expiresAt: record.expiresAt };
      break;
    }
    case "tokens:list":
      out = (await s.serviceTokens.list()).map(({ createdBy, ...t }) => ({ ...t, createdBy: createdBy?.email ?? null }));
      break;
    case "tokens:revoke": {
      const { createdBy, ...t } = await s.serviceTokens.revoke(actor, need(flags, "id"));
      out = { ...t, createdBy: createdBy?.email ?? null };
      break;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
  process.stdout.write(JSON.stringify(out) + "\n");
} catch (error) {
  code = error instanceof UsageError ? 2 : 1;
  const message =
    error instanceof UsageError ? (error.message ? `${error.message}\n${USAGE}` : USAGE)
    : isDomainError(error) || error instanceof ConfigError ? (error as Error).message
    : describeDbError(error);
  process.stderr.write(`keyway: ${message}\n`);
} finally {
  await services?.close().catch(() => {});
}
process.exit(code);
