// The integration run's own database and Redis prefix (see global-setup.ts).
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { loadConfig, type Config } from "@keyway/core";
import "./provided.ts";

export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: inject("databaseUrl"),
    REDIS_URL: inject("redisUrl"),
    // Each caller gets its own sub-prefix, so files running in parallel never share counters.
    REDIS_KEY_PREFIX: `${inject("redisPrefix")}${randomBytes(3).toString("hex")}:`,
    AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    KEYWAY_SERVICE_TOKEN: "kws_test_service_token_0123456789abcdef",
    SMTP_URL: inject("smtpUrl"),
    ...overrides,
  });
}

/** The run's own migrated database. */
export const testDatabaseUrl = () => inject("databaseUrl");
