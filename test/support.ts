// Integration-test helpers: the real services on the run's own database and Redis prefix.
import { randomBytes } from "node:crypto";
import type { Config } from "@keyway/core";
import { createServices, type Services } from "@keyway/api/server";
import type { ServiceOptions } from "../packages/api/src/services/index.ts";
import { testConfig } from "./env.ts";

export { testConfig, testDatabaseUrl } from "./env.ts";

export function testServices(overrides: Partial<Record<keyof Config, string>> = {}, options: ServiceOptions = {}): Services {
  return createServices(testConfig(overrides), options);
}

export const uniqueEmail = (tag = "user") => `${tag}-${randomBytes(4).toString("hex")}@example.test`;
