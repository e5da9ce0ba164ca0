import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { createCaller } from "./root.ts";
import {
  MAX_DELAY_MS, PEER_HEADER, SIGN_IN_FAILURES_PER_IP, SIGN_IN_FAILURES_PER_PAIR, SIGN_UP_PER_IP, SLOW_AFTER_ACCOUNT_FAILURES, clientAddress, delayFor, isThrottled,
} from "@keyway/auth";
import { buildAuthOptions, externalProviders } from "@keyway/auth/next";

const services = testServices();
afterAll(() => services.close());

/** Calls the credentials provider exactly as Auth.js does on POST /api/auth/callback/credentials. */
function authorize(email: string, password: string, ip: string, code?: string) {
  const provider = buildAuthOptions(services).providers[0] as unknown as {
    options: { authorize: (c: Record<string, string>, r: { headers: Record<string, string> }) => Promise<{ id: string } | null> };
  };
  return provider.options.authorize({ email, password, ...(code ? { code } : {}) }, { headers: { [PEER_HEADER]: ip } });
}

const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}:${randomUUID()}`;
const account = async () => {
  const email = uniqueEmail();
  const user = await services.users.createWithPassword({ email, name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
  return { email, id: user.id };
};

describe("sign-in throttling (failed attempts only, on the Redis limiter)", () => {
  it("never locks the owner out: failures from other addresses only slow the account down", async () => {
    const { email, id } = await account();
    // An attacker far past the pair limit, from one address: that pair is refused…
    const attacker = ip();
    for (let i = 0; i < SIGN_IN_FAILURES_PER_PAIR.minute; i++) expect(await authorize(email, "wrong-password!", attacker)).toBeNull();
    const refused = await authorize(email, "long-enough-pass", attacker).catch((e: Error) => e);
    expect(isThrottled(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/^Too many attempts\. Try again in \d+ seconds?\.$/);
    // …but the owner, from their own address, still signs in.
    expect(await authorize(email, "long-enough-pass", ip())).toMatchObject({ id });
  });

  it("counts only failures: many good sign-ins from one address are never refused", async () => {
    const { email, id } = await account();
    const address = ip();
    for (let i = 0; i < SIGN_IN_FAILURES_PER_PAIR.minute + 2; i++) expect(await authorize(email, "long-enough-pass", address)).toMatchObject({ id });
  });

  it("slows an account that fails from many addresses with a growing delay, capped", () => {
    expect(delayFor(SLOW_AFTER_ACCOUNT_FAILURES - 1)).toBe(0);
    expect(delayFor(SLOW_AFTER_ACCOUNT_FAILURES)).toBe(250);
    expect(delayFor(SLOW_AFTER_ACCOUNT_FAILURES + 2)).toBe(1_000);
    expect(delayFor(10_000)).toBe(MAX_DELAY_MS);
  });

  it(`refuses an address after ${SIGN_IN_FAILURES_PER_IP.minute} failures in a minute across accounts`, async () => {
    const address = ip();
    for (let i = 0; i < SIGN_IN_FAILURES_PER_IP.minute; i++) expect(await authorize(uniqueEmail(), "whatever-password", address)).toBeNull();
    await expect(authorize(uniqueEmail(), "whatever-password", address)).rejects.toThrow(/Too many attempts/);
  });

  it(`refuses sign-up from one address after ${SIGN_UP_PER_IP.minute} in a minute with TOO_MANY_REQUESTS`, async () => {
    const caller = createCaller({ services, viewer: null, client: { ip: ip(), userAgent: null } });
    for (let i = 0; i < SIGN_UP_PER_IP.minute; i++) await caller.account.signUp({ email: uniqueEmail(), name: "N", password: "long-enough-pass" });
    await expect(caller.account.signUp({ email: uniqueEmail(), name: "N", password: "long-enough-pass" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/^Too many attempts/),
    });
  });

  it("takes the socket's address unless proxies are trusted, then the entry that many hops from the right", () => {
    expect(clientAddress("127.0.0.1", "6.6.6.6", 0)).toBe("127.0.0.1");
    expect(clientAddress("::ffff:10.0.0.2", null, 0)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", 2)).toBe("203.0.113.9");
    expect(clientAddress(null, null, 0)).toBeNull();
  });

  it("audits sign-in successes and failures, without the password", async () => {
    const { email, id } = await account();
    await authorize(email, "wrong-password!", ip());
    await authorize(email, "long-enough-pass", ip());
    const rows = await services.db.auditLog.findMany({ where: { targetUserId: id, action: { startsWith: "auth." } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["auth.sign_in_failed", "auth.sign_in"]);
    expect(JSON.stringify(rows.map(({ id, ...r }) => ({ ...r, id: String(id) })))).not.toContain("wrong-password");
  });
});

describe("sign-in with GitHub or OIDC", () => {
  it("offers only the providers whose settings are complete", () => {
    expect(externalProviders(services.config)).toEqual([]);
    const config = { ...services.config, GITHUB_ID: "id", OIDC_ISSUER: "https://idp.example", OIDC_CLIENT_ID: "c", OIDC_CLIENT_SECRET: "s" };
    expect(externalProviders(config)).toEqual([{ id: "oidc", name: "Single sign-on" }]);
    expect(externalProviders({ ...config, GITHUB_SECRET: "x" }).map((p) => p.id)).toEqual(["github", "oidc"]);
  });

  it("creates a developer on first sign-in, finds the same user next time, and never takes over an existing email", async () => {
    const subject = randomUUID();
    const email = uniqueEmail();
    const first = await services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email: email.toUpperCase(), emailVerified: true, name: "Olive" });
    expect(first.ok).toBe(true);
    const user = await services.db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ role: "developer", name: "Olive", passwordHash: null });
    // with a personal workspace on the free plan, as every new user
    expect(await services.db.membership.findMany({ where: { userId: user.id }, select: { role: true, workspace: { select: { personal: true, tierName: true } } } })).toEqual([
      { role: "owner", workspace: { personal: true, tierName: "free" } },
    ]);
    // The email may change at the provider; the link is by subject.
    expect(await services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email: uniqueEmail(), emailVerified: true, name: null })).toEqual(first);

    const taken = uniqueEmail();
    await services.users.createWithPassword({ email: taken, name: "P", password: "long-enough-pass", role: "developer", tier: "free" });
    expect(await services.users.signInWithProvider({ provider: "github", providerAccountId: randomUUID(), email: taken, emailVerified: true, name: "Mallory" })).toEqual({ ok: false, reason: "email_in_use" });
    expect(await services.users.signInWithProvider({ provider: "github", providerAccountId: randomUUID(), email: null, emailVerified: true, name: "X" })).toEqual({ ok: false, reason: "no_email" });
    // An address the provider has not verified is never taken (it could be anyone's).
    const unverified = uniqueEmail();
    expect(await services.users.signInWithProvider({ provider: "oidc", providerAccountId: randomUUID(), email: unverified, emailVerified: false, name: "U" })).toEqual({ ok: false, reason: "email_unverified" });
    expect(await services.db.user.count({ where: { email: unverified } })).toBe(0);

    await services.db.user.update({ where: { email }, data: { disabled: true } });
    expect(await services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email, emailVerified: true, name: null })).toEqual({ ok: false, reason: "disabled" });
  });

  it("survives two first sign-ins of the same identity at once", async () => {
    const subject = randomUUID();
    const email = uniqueEmail();
    const both = await Promise.all([0, 1].map(() => services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email, emailVerified: true, name: null })));
    expect(both[0]).toEqual(both[1]);
    expect(both[0]!.ok).toBe(true);
  });
});
