import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { createCaller } from "./root.ts";
import { buildAuthOptions, externalProviders } from "./auth/index.ts";
import { SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_IP, SIGN_UP_PER_IP, clientAddress, isThrottled } from "./services/throttle.ts";

const services = testServices();
afterAll(() => services.close());

/** Calls the credentials provider exactly as Auth.js does on POST /api/auth/callback/credentials. */
function authorize(email: string, password: string, ip: string) {
  const provider = buildAuthOptions(services).providers[0] as unknown as {
    options: { authorize: (c: Record<string, string>, r: { headers: Record<string, string> }) => Promise<{ id: string } | null> };
  };
  return provider.options.authorize({ email, password }, { headers: { "x-forwarded-for": ip } });
}

const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}:${randomUUID()}`;

describe("sign-in throttling (per account and per address, on the Redis limiter)", () => {
  it(`refuses the ${SIGN_IN_PER_ACCOUNT.minute + 1}th attempt on one account in a minute, even from new addresses, with the wait in the message`, async () => {
    const email = uniqueEmail();
    await services.users.upsertWithPassword({ email, name: "T", password: "long-enough-pass", role: "developer", tier: "free" });
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT.minute; i++) expect(await authorize(email, "wrong-password!", ip())).toBeNull();
    const refused = await authorize(email, "long-enough-pass", ip()).catch((e: Error) => e);
    expect(isThrottled(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/^Too many attempts\. Try again in \d+ seconds?\.$/);
    // Another account is not affected.
    const other = uniqueEmail();
    const user = await services.users.upsertWithPassword({ email: other, name: "U", password: "long-enough-pass", role: "developer", tier: "free" });
    expect(await authorize(other, "long-enough-pass", ip())).toEqual({ id: user.id });
  });

  it(`refuses an address after ${SIGN_IN_PER_IP.minute} attempts in a minute across accounts`, async () => {
    const address = ip();
    for (let i = 0; i < SIGN_IN_PER_IP.minute; i++) expect(await authorize(uniqueEmail(), "whatever-password", address)).toBeNull();
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

  it("takes the address nearest to us from X-Forwarded-For", () => {
    const h = (v: Record<string, string>) => (n: string) => v[n];
    expect(clientAddress(h({ "x-forwarded-for": "10.0.0.1, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientAddress(h({ "x-real-ip": "203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientAddress(h({}))).toBeNull();
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
    const first = await services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email: email.toUpperCase(), name: "Olive" });
    expect(first.ok).toBe(true);
    const user = await services.db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ role: "developer", tierName: "free", name: "Olive", passwordHash: null });
    // The email may change at the provider; the link is by subject.
    expect(await services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email: uniqueEmail(), name: null })).toEqual(first);

    const taken = uniqueEmail();
    await services.users.upsertWithPassword({ email: taken, name: "P", password: "long-enough-pass", role: "developer", tier: "free" });
    expect(await services.users.signInWithProvider({ provider: "github", providerAccountId: randomUUID(), email: taken, name: "Mallory" })).toEqual({ ok: false, reason: "email_in_use" });
    expect(await services.users.signInWithProvider({ provider: "github", providerAccountId: randomUUID(), email: null, name: "X" })).toEqual({ ok: false, reason: "no_email" });

    await services.db.user.update({ where: { email }, data: { disabled: true } });
    expect(await services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email, name: null })).toEqual({ ok: false, reason: "disabled" });
  });

  it("survives two first sign-ins of the same identity at once", async () => {
    const subject = randomUUID();
    const email = uniqueEmail();
    const both = await Promise.all([0, 1].map(() => services.users.signInWithProvider({ provider: "oidc", providerAccountId: subject, email, name: null })));
    expect(both[0]).toEqual(both[1]);
    expect(both[0]!.ok).toBe(true);
  });
});
