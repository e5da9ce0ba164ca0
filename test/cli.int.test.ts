// The admin CLI as an operator runs it: JSON on stdout, one line on stderr and a non-zero exit on error.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { testConfig } from "./env.ts";
import { uniqueEmail } from "./support.ts";

const root = path.resolve(import.meta.dirname, "..");
const config = testConfig();
const env = { ...process.env, DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX, AUTH_SECRET: config.AUTH_SECRET };

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/cli.ts"), ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("pnpm cli", () => {
  it("creates a user and a key, lists, limits, rolls, reports usage and revokes", async () => {
    const email = uniqueEmail("cli");
    const user = await cli("users:create", "--email", email, "--name", "Cli User", "--tier", "pro", "--password", "long-enough-pass");
    expect(user.code).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ email, role: "developer", tier: "pro" });

    const created = JSON.parse((await cli("keys:create", "--email", email, "--name", "ci", "--expires-in-days", "30")).stdout);
    expect(Object.keys(created).sort()).toEqual(["expiresAt", "id", "key", "prefix", "tier"]);
    expect(created.key).toMatch(/^ys_pro_/);

    const list = await cli("keys:list", "--email", email);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
    expect(list.stdout).not.toContain(created.key);
    expect(list.stdout).not.toMatch(/"hash"/);

    const limited = JSON.parse((await cli("keys:limits", "--id", created.id, "--minute", "5")).stdout);
    expect(limited.limitOverrides).toEqual({ minute: 5, hour: null, day: null, month: null });

    const rolled = JSON.parse((await cli("keys:roll", "--id", created.id, "--grace-seconds", "60")).stdout);
    expect(rolled.key).not.toBe(created.key);

    const usage = JSON.parse((await cli("keys:usage", "--id", rolled.id)).stdout);
    expect(usage).toEqual({ total: 0, successful: 0, failed: 0, rateLimited: 0, lastRequestAt: null, daily: {}, monthly: {} });

    expect(JSON.parse((await cli("keys:revoke", "--id", rolled.id)).stdout).status).toBe("revoked");
    expect(JSON.parse((await cli("tier:set", "--email", email, "--tier", "free")).stdout)).toMatchObject({ tierName: "free" });

    const [personal] = JSON.parse((await cli("workspaces:list", "--email", email)).stdout) as { id: string }[];
    expect(personal).toMatchObject({ name: "Personal", personal: true, role: "owner", tierName: "free" });
    const raised = JSON.parse((await cli("workspace:limits", "--workspace", personal!.id, "--minute", "50", "--hour", "0")).stdout);
    expect(raised).toEqual({ id: personal!.id, tier: "free", overrides: { minute: 50, hour: null, day: null, month: null } });
  });

  it("makes a customer's workspace with no members, and keys, plan and listing for it by --workspace", async () => {
    const externalId = `cus_${Date.now().toString(36)}`;
    const workspace = JSON.parse((await cli("workspace:create", "--name", "Globex", "--external-id", externalId, "--tier", "pro")).stdout);
    expect(workspace).toMatchObject({ name: "Globex", externalId, tierName: "pro", personal: false });
    const again = await cli("workspace:create", "--name", "Globex again", "--external-id", externalId);
    expect(again.stderr.trim()).toBe(`keyway: A workspace with the external id "${externalId}" exists already.`);

    const key = JSON.parse((await cli("keys:create", "--workspace", workspace.id, "--name", "customer key")).stdout);
    expect(key.key).toMatch(/^ys_pro_/);
    expect(JSON.parse((await cli("keys:list", "--workspace", workspace.id)).stdout)).toMatchObject([{ id: key.id, name: "customer key" }]);
    expect(JSON.parse((await cli("tier:set", "--workspace", workspace.id, "--tier", "enterprise")).stdout)).toEqual({ id: workspace.id, tier: "enterprise" });

    // a user's key in a workspace they do not belong to is refused
    const email = uniqueEmail("cli-outsider");
    await cli("users:create", "--email", email);
    const outsider = await cli("keys:create", "--email", email, "--workspace", workspace.id, "--name", "sneaky");
    expect(outsider.stderr.trim()).toBe(`keyway: ${email} is not a member of workspace ${workspace.id}`);
    expect(JSON.parse((await cli("keys:list", "--workspace", workspace.id)).stdout)).toHaveLength(1);
  });

  it("refuses an existing email, and promotes with users:promote (audited)", async () => {
    const email = uniqueEmail("cli-promote");
    expect((await cli("users:create", "--email", email)).code).toBe(0);
    const again = await cli("users:create", "--email", email, "--role", "admin");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`an account with email ${email} already exists`);
    const promoted = await cli("users:promote", "--email", email);
    expect(JSON.parse(promoted.stdout)).toMatchObject({ email, role: "admin", endedSessions: 0 });
  });

  it("makes, lists and revokes a service token: printed once, never listed with its secret", async () => {
    const made = JSON.parse((await cli("tokens:create", "--name", "cli billing", "--scopes", "keys.verify,usage.read", "--expires-in-days", "90")).stdout);
    expect(made).toMatchObject({ name: "cli billing", scopes: ["keys.verify", "usage.read"] });
    expect(made.token).toMatch(/^kws_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);
    const list = await cli("tokens:list");
    expect(list.stdout).not.toContain(made.token.slice(made.token.lastIndexOf("_") + 1));
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ id: made.id, revokedAt: null }));
    expect(JSON.parse((await cli("tokens:revoke", "--id", made.id)).stdout).revokedAt).not.toBeNull();
  });

  it.each([
    [["tokens:create", "--name", "x", "--scopes", "keys.verify,keys.everything"], 'keyway: there is no scope named "keys.everything"'],
    [["tokens:revoke", "--id", "0123456789abcdef"], "keyway: No such service token."],
    [["keys:revoke", "--id", "0123456789abcdef"], "keyway: No such key."],
    [["tier:set", "--email", "nobody@example.test", "--tier", "pro"], "keyway: no user with email nobody@example.test"],
    [["keys:create", "--name", "n"], "keyway: --email is required"],
    [["keys:limits", "--id", "0123456789abcdef", "--minute", "-3"], "keyway: --minute must be a whole number"],
    [["workspace:limits", "--workspace", "nope", "--minute", "5"], "keyway: No such workspace."],
  ])("fails cleanly: %j", async (args, message) => {
    const result = await cli(...args);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toContain(message);
  });
});
