// Accounts people can trust, through the tRPC procedures the portal calls, with every mail read
// back from the run's real SMTP catcher (maildev).
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { generate } from "otplib";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { latestMail, linkIn, mailsTo } from "../../../test/mailbox.ts";
import { createCaller } from "./root.ts";
import { PEER_HEADER, verifyPassword } from "@keyway/auth";
import { buildAuthOptions } from "@keyway/auth/next";

const services = testServices();
afterAll(() => services.close());
const mailApi = inject("mailApiUrl");
let address = 0;
const client = () => ({ ip: `203.0.113.${++address % 250}`, userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" });
const anon = () => createCaller({ services, viewer: null, client: client() });
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

/** Signs in as the portal's form does and returns the caller of the session it opened. */
async function signIn(email: string, password: string, code?: string) {
  const provider = buildAuthOptions(services).providers[0] as unknown as {
    options: { authorize: (c: Record<string, string>, r: { headers: Record<string, string> }) => Promise<{ id: string } | null> };
  };
  const c = client();
  const user = await provider.options.authorize({ email, password, ...(code ? { code } : {}) }, { headers: { [PEER_HEADER]: c.ip!, "user-agent": c.userAgent } });
  if (!user) return null;
  const token = await services.sessions.open(user.id, c);
  const viewer = await services.sessions.resolve(token);
  return { token, viewer: viewer!, caller: createCaller({ services, viewer: viewer!, client: c }) };
}

async function signedUp() {
  const email = uniqueEmail("signup");
  await anon().account.signUp({ email, name: "Sam", password: "first-password-1" });
  const session = (await signIn(email, "first-password-1"))!;
  return { email, ...session };
}

describe("sign-up and a verified address", () => {
  it("mails a link; before it is opened no key can be made, after it one can", async () => {
    const { email, caller, viewer } = await signedUp();
    expect(await services.db.membership.count({ where: { userId: viewer.id, role: "owner", workspace: { personal: true, tierName: "free" } } })).toBe(1);
    await expect(caller.keys.create({ name: "early" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/^Verify your email address/) });
    const mail = await latestMail(mailApi, email, /Verify your email/);
    expect(mail.html).toContain("Verify my email");
    const link = linkIn(mail, "/verify-email");
    expect(link.startsWith(services.config.PUBLIC_URL)).toBe(true);
    expect(await anon().account.verifyEmail({ token: tokenOf(link) })).toEqual({ email, changed: false });
    await expect(caller.keys.create({ name: "now" })).resolves.toMatchObject({ record: { name: "now" } });
    // A link works once.
    await expect(anon().account.verifyEmail({ token: tokenOf(link) })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/expired or was already used/) });
  });

  it("answers a taken address the same way and tells its owner instead", async () => {
    const { email } = await signedUp();
    const before = (await mailsTo(mailApi, email)).length;
    expect(await anon().account.signUp({ email, name: "Mallory", password: "another-password" })).toEqual({ email });
    const mail = await latestMail(mailApi, email, /tried to sign up/);
    expect(mail.text).toContain("already has one");
    expect((await mailsTo(mailApi, email)).length).toBe(before + 1);
    expect(await services.db.user.count({ where: { email } })).toBe(1);
    expect(await verifyPassword("another-password", (await services.db.user.findUniqueOrThrow({ where: { email } })).passwordHash)).toBe(false);
  });
});

describe("recovery", () => {
  it("resets a forgotten password with a single-use link and ends every session", async () => {
    const { email, token } = await signedUp();
    expect(await anon().account.requestPasswordReset({ email })).toEqual({ email });
    // The same answer for an address with no account, and no mail.
    const nobody = uniqueEmail("nobody");
    expect(await anon().account.requestPasswordReset({ email: nobody })).toEqual({ email: nobody });
    const link = linkIn(await latestMail(mailApi, email, /Reset your Keyway password/), "/reset-password");
    const row = await services.db.accountToken.findFirstOrThrow({ where: { email, purpose: "reset_password" } });
    expect(row.hash).not.toContain(tokenOf(link)); // only the hash is stored
    expect(Math.abs(row.expires.getTime() - row.createdAt.getTime() - 30 * 60_000)).toBeLessThan(1_000);

    await anon().account.resetPassword({ token: tokenOf(link), password: "second-password-2" });
    expect(await services.sessions.resolve(token)).toBeNull();
    await expect(anon().account.resetPassword({ token: tokenOf(link), password: "third-password-3" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await signIn(email, "first-password-1")).toBeNull();
    expect(await signIn(email, "second-password-2")).not.toBeNull();
    await latestMail(mailApi, email, /password was reset/);
    expect((await mailsTo(mailApi, nobody)).length).toBe(0);
  });

  it("changes the password only with the current one, keeping this session and ending the others", async () => {
    const { email, caller, token } = await signedUp();
    const other = (await signIn(email, "first-password-1"))!;
    await expect(caller.settings.changePassword({ current: "not-my-password", next: "new-password-22" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await caller.settings.changePassword({ current: "first-password-1", next: "new-password-22" })).toEqual({ endedSessions: 1 });
    expect(await services.sessions.resolve(token)).not.toBeNull();
    expect(await services.sessions.resolve(other.token)).toBeNull();
    await latestMail(mailApi, email, /password was changed/);
    const audit = await services.db.auditLog.findMany({ where: { targetUserId: other.viewer.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["account.sign_up", "auth.sign_in", "account.password_change"]));
  });

  it("changes the email only once the new address is verified, and tells the old one", async () => {
    const { email, caller, viewer } = await signedUp();
    const next = uniqueEmail("moved");
    await caller.settings.changeEmail({ email: next, password: "first-password-1" });
    expect((await services.db.user.findUniqueOrThrow({ where: { id: viewer.id } })).email).toBe(email);
    await latestMail(mailApi, email, /change of your Keyway email address was requested/);
    const link = linkIn(await latestMail(mailApi, next, /Confirm your new email/), "/verify-email");
    expect(await anon().account.verifyEmail({ token: tokenOf(link) })).toEqual({ email: next, changed: true });
    expect((await services.db.user.findUniqueOrThrow({ where: { id: viewer.id } })).email).toBe(next);
    await latestMail(mailApi, email, /email address was changed/);
  });

  it("upgrades a hash made at the old scrypt cost at the next sign-in", async () => {
    const email = uniqueEmail("old-hash");
    const user = await services.users.createWithPassword({ email, name: null, password: null, role: "developer", tier: "free" });
    // A hash in the same format at N=2^14, the cost Keyway used before.
    const { scryptSync, randomBytes } = await import("node:crypto");
    const salt = randomBytes(16);
    const legacy = `scrypt$16384$8$1$${salt.toString("base64")}$${scryptSync("old-cost-password".normalize("NFKC"), salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64")}`;
    await services.db.user.update({ where: { id: user.id }, data: { passwordHash: legacy } });
    expect(await signIn(email, "old-cost-password")).not.toBeNull();
    expect((await services.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
  });
});

describe("two-factor sign-in", () => {
  it("enrols with a first code, then asks for a code; a recovery code works once", async () => {
    const email = uniqueEmail("totp");
    await services.users.createWithPassword({ email, name: null, password: "totp-password-1", role: "developer", tier: "free" });
    const { caller } = (await signIn(email, "totp-password-1"))!;
    const { secret, qr } = await caller.settings.twoFactor.begin();
    expect(qr).toMatch(/^data:image\/png;base64,/);
    await expect(caller.settings.twoFactor.confirm({ code: "000000" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const firstCode = await generate({ secret });
    const { recoveryCodes } = await caller.settings.twoFactor.confirm({ code: firstCode });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = await services.db.user.findUniqueOrThrow({ where: { email } });
    expect(stored.totpSecret).not.toContain(secret);

    await expect(signIn(email, "totp-password-1")).rejects.toThrow("SECOND_FACTOR_REQUIRED");
    await expect(signIn(email, "totp-password-1", "123456")).rejects.toThrow("SECOND_FACTOR_INVALID");
    // The code confirm used cannot be used again; a recovery code works once.
    await expect(signIn(email, "totp-password-1", firstCode)).rejects.toThrow("SECOND_FACTOR_INVALID");
    expect(await signIn(email, "totp-password-1", recoveryCodes[0]!.toUpperCase())).not.toBeNull();
    await expect(signIn(email, "totp-password-1", recoveryCodes[0]!)).rejects.toThrow("SECOND_FACTOR_INVALID");
    expect(await services.secondFactor.remainingCodes(stored.id)).toBe(9);
    const actions = (await services.db.auditLog.findMany({ where: { targetUserId: stored.id }, select: { action: true, after: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["auth.2fa_enable", "auth.sign_in_failed"]));
  });

  it("keeps admins out of the admin procedures until they enrol", async () => {
    const email = uniqueEmail("admin2fa");
    const user = await services.users.createWithPassword({ email, name: null, password: "admin-password-1", role: "admin", tier: "free" });
    const caller = createCaller({ services, viewer: viewerOf(user, { role: "admin" }), client: client() });
    await expect(caller.admin.tiers.list()).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/two-factor/) });
  });
});

describe("sessions and deletion", () => {
  it("lists this browser and others with device and address, and signs another out", async () => {
    const { email, caller } = await signedUp();
    const other = (await signIn(email, "first-password-1"))!;
    const list = await caller.settings.sessions.list();
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list[0]!.device).toBe("Chrome 131 on Linux");
    expect(list[0]!.ip).toMatch(/^203\.0\.113\./);
    expect(JSON.stringify(list)).not.toContain(other.token);
    await caller.settings.sessions.revoke({ id: other.viewer.sessionId });
    expect(await services.sessions.resolve(other.token)).toBeNull();
    await expect(caller.settings.sessions.revoke({ id: other.viewer.sessionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("ends a session after 7 idle days and 30 days in all", async () => {
    let now = Date.now();
    const timed = testServices({}, { clock: () => now });
    try {
      const user = await timed.users.createWithPassword({ email: uniqueEmail("idle"), name: null, password: null, role: "developer", tier: "free" });
      const token = await timed.sessions.open(user.id);
      now += 6 * 86_400_000;
      expect(await timed.sessions.resolve(token)).not.toBeNull(); // seen: idle time starts again
      now += 6 * 86_400_000;
      expect(await timed.sessions.resolve(token)).not.toBeNull();
      now += 7 * 86_400_000 + 1;
      expect(await timed.sessions.resolve(token)).toBeNull();
      const busy = await timed.sessions.open(user.id);
      for (let day = 0; day < 30; day += 5) {
        now += 5 * 86_400_000;
        if (day < 25) expect(await timed.sessions.resolve(busy)).not.toBeNull();
      }
      expect(await timed.sessions.resolve(busy)).toBeNull();
    } finally {
      await timed.close();
    }
  });

  it("deletes an account: its keys are refused at once, the audit rows stay (the last-admin refusal is assertAnotherAdmin, tested with setRole)", async () => {
    const email = uniqueEmail("leaver");
    const user = await services.users.createWithPassword({ email, name: null, password: "leaving-password", role: "developer", tier: "free" });
    const { key, record } = await services.keys.create({ id: user.id, role: "developer" }, { userId: user.id, name: "k" });
    expect((await services.verifier.verify(key)).valid).toBe(true);
    const { caller, token } = (await signIn(email, "leaving-password"))!;
    await expect(caller.settings.deleteAccount({ confirmEmail: "someone@else.test", password: "leaving-password" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await caller.settings.deleteAccount({ confirmEmail: email, password: "leaving-password" });
    expect(await services.db.user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(await services.db.workspace.findUnique({ where: { id: record.workspaceId } })).toBeNull(); // the personal one goes too
    expect(await services.sessions.resolve(token)).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    expect((await services.verifier.verify(key)).valid).toBe(false);
    const audit = await services.db.auditLog.findMany({ where: { targetUserId: user.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["key.create", "key.revoke", "account.delete"]));
  });
});

describe("the operator's accounts (CLI)", () => {
  it("never takes over an address someone signed up with; promotion ends the user's sessions and is audited", async () => {
    const { email, token, viewer } = await signedUp();
    await expect(services.users.createWithPassword({ email, name: null, password: null, role: "admin", tier: "free" })).rejects.toMatchObject({ code: "EMAIL_TAKEN" });
    expect((await services.db.user.findUniqueOrThrow({ where: { email } })).role).toBe("developer");
    // An unverified address is not made an admin.
    await expect(services.admin.users.promote({ id: null, role: "cli" }, email)).rejects.toMatchObject({ code: "EMAIL_NOT_VERIFIED" });
    await services.db.user.update({ where: { email }, data: { emailVerified: new Date() } });
    expect(await services.admin.users.promote({ id: null, role: "cli" }, email)).toMatchObject({ role: "admin", endedSessions: 1 });
    expect(await services.sessions.resolve(token)).toBeNull();
    const row = await services.db.auditLog.findFirstOrThrow({ where: { targetUserId: viewer.id, action: "user.role" } });
    expect(row).toMatchObject({ actorRole: "cli", after: { role: "admin", endedSessions: 1 } });
  });
});

describe("authorization", () => {
  it("refuses every settings procedure to an anonymous caller with UNAUTHORIZED, changing nothing", async () => {
    const a = anon();
    const calls: [string, () => Promise<unknown>][] = [
      ["get", () => a.settings.get()],
      ["rename", () => a.settings.rename({ name: "X" })],
      ["resendVerification", () => a.settings.resendVerification()],
      ["changeEmail", () => a.settings.changeEmail({ email: uniqueEmail(), password: "x" })],
      ["changePassword", () => a.settings.changePassword({ current: "x", next: "long-enough-pass" })],
      ["sessions.list", () => a.settings.sessions.list()],
      ["sessions.revoke", () => a.settings.sessions.revoke({ id: "any" })],
      ["sessions.revokeOthers", () => a.settings.sessions.revokeOthers()],
      ["twoFactor.begin", () => a.settings.twoFactor.begin()],
      ["twoFactor.confirm", () => a.settings.twoFactor.confirm({ code: "123456" })],
      ["twoFactor.regenerateCodes", () => a.settings.twoFactor.regenerateCodes({ code: "123456" })],
      ["twoFactor.disable", () => a.settings.twoFactor.disable({ code: "123456" })],
      ["deleteAccount", () => a.settings.deleteAccount({ confirmEmail: "x@y.z", password: "x" })],
    ];
    for (const [name, call] of calls) await expect(call(), name).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("acts only on the caller's own account: another user's session cannot be listed or ended", async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    expect((await bob.caller.settings.sessions.list()).map((x) => x.id)).not.toContain(alice.viewer.sessionId);
    await expect(bob.caller.settings.sessions.revoke({ id: alice.viewer.sessionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await bob.caller.settings.sessions.revokeOthers();
    expect(await services.sessions.resolve(alice.token)).not.toBeNull();
    // Bob's second factor and deletion touch Bob only.
    await bob.caller.settings.twoFactor.begin();
    expect((await services.db.user.findUniqueOrThrow({ where: { id: alice.viewer.id } })).totpSecret).toBeNull();
    await expect(bob.caller.settings.deleteAccount({ confirmEmail: alice.email, password: "first-password-1" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await services.db.user.findUnique({ where: { id: alice.viewer.id } })).not.toBeNull();
  });
});

describe("bad input", () => {
  it("refuses control characters in any string with a 400 naming the field, and changes nothing", async () => {
    const { caller } = await signedUp();
    await expect(caller.settings.rename({ name: "Sam\u0000" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "name: control characters are not allowed." });
    await expect(caller.settings.rename({ name: "two\nlines" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(anon().account.requestPasswordReset({ email: "a\u0000@b.c" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "email: control characters are not allowed." });
    await expect(caller.keys.create({ name: "key\u0007" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "name: control characters are not allowed." });
    await expect(anon().account.resetPassword({ token: "x".repeat(40), password: "long-enough-pass" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
