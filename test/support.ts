// Integration-test helpers: the real services on the run's own database and Redis prefix.
import { randomBytes } from "node:crypto";
import type { Config } from "@keyway/core";
import { createServices, type Services } from "@keyway/server";
import type { ServiceOptions } from "@keyway/server";
import { testConfig } from "./env.ts";

export { testConfig, testDatabaseUrl } from "./env.ts";

export function testServices(overrides: Partial<Record<keyof Config, string>> = {}, options: ServiceOptions = {}): Services {
  return createServices(testConfig(overrides), options);
}

export const uniqueEmail = (tag = "user") => `${tag}-${randomBytes(4).toString("hex")}@example.test`;

/** The Viewer a signed-in session would resolve to, for callers made in tests. */
export function viewerOf(
  user: { id: string; email: string },
  extra: Partial<{ name: string | null; role: "developer" | "admin"; tier: string; emailVerified: boolean; twoFactor: boolean; sessionId: string }> = {},
) {
  return { id: user.id, email: user.email, name: null, role: "developer" as const, tier: "free", emailVerified: true, twoFactor: false, sessionId: "test-session", ...extra };
}
