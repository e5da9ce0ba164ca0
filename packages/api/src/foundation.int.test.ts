import { afterAll, describe, expect, it } from "vitest";
import type { TRPCError } from "@trpc/server";
import { testServices, uniqueEmail } from "../../../test/support.ts";
import { createCaller } from "./root.ts";

const services = testServices();
afterAll(() => services.close());

describe("health", () => {
  it("reports both services up against the real PostgreSQL and Redis", async () => {
    expect(await services.health()).toEqual({ ok: true, database: "up", redis: "up" });
  });

  it("names Redis when it cannot be reached", async () => {
    const broken = testServices({ REDIS_URL: "redis://127.0.0.1:1" });
    try {
      expect(await broken.health()).toEqual({ ok: false, database: "up", redis: "down" });
    } finally {
      await broken.close();
    }
  });

  it("names PostgreSQL when it cannot be reached", async () => {
    const broken = testServices({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/keyway" });
    try {
      expect(await broken.health()).toEqual({ ok: false, database: "down", redis: "up" });
    } finally {
      await broken.close();
    }
  });
});

describe("sessions and the protected procedure", () => {
  it("refuses an anonymous caller", async () => {
    const caller = createCaller({ services, viewer: null });
    await expect(caller.me.get()).rejects.toMatchObject({ code: "UNAUTHORIZED" } satisfies Partial<TRPCError>);
  });

  it("resolves a session to its user, and stops after sign-out or when the user is disabled", async () => {
    const email = uniqueEmail();
    const user = await services.users.createWithPassword({ email, name: "Sam", password: "long-enough-pass", role: "developer", tier: "pro" });
    expect(await services.users.checkPassword(email, "long-enough-pass")).toEqual({ ok: true, userId: user.id, twoFactor: false });
    expect(await services.users.checkPassword(email, "wrong-password!")).toEqual({ ok: false, userId: user.id });
    expect(await services.users.checkPassword(uniqueEmail(), "long-enough-pass")).toEqual({ ok: false, userId: null });

    const sid = await services.sessions.open(user.id);
    const viewer = await services.sessions.resolve(sid);
    expect(viewer).toMatchObject({ id: user.id, email, role: "developer", tier: "pro" });

    const me = await createCaller({ services, viewer }).me.get();
    expect(me.tier).toEqual({ name: "pro", description: "For production apps", limits: { minute: 100, hour: 2000, day: 25000, month: 500000 } });
    expect(me).not.toHaveProperty("passwordHash");

    await services.sessions.close(sid);
    expect(await services.sessions.resolve(sid)).toBeNull();

    const second = await services.sessions.open(user.id);
    await services.db.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await services.sessions.resolve(second)).toBeNull();
    expect(await services.users.checkPassword(email, "long-enough-pass")).toEqual({ ok: false, userId: user.id });
  });
});
