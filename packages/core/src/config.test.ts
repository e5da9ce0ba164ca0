import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/keyway",
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH_SECRET: "x".repeat(32),
};

describe("loadConfig", () => {
  it("accepts a valid environment and fills defaults", () => {
    const config = loadConfig(valid);
    expect(config.PUBLIC_URL).toBe("http://localhost:3000");
    expect(config.MAX_ACTIVE_KEYS_PER_WORKSPACE).toBe(20);
    expect(config.REDIS_KEY_PREFIX).toBe("kw:");
    expect(loadConfig({ ...valid, REDIS_URL: "unix:///run/redis/redis.sock" }).REDIS_URL).toBe("unix:///run/redis/redis.sock");
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, "invalid configuration: DATABASE_URL must be a postgresql:// or postgres:// URL"],
    [{ DATABASE_URL: "not a url" }, "invalid configuration: DATABASE_URL must be a postgresql:// or postgres:// URL"],
    [{ DATABASE_URL: undefined }, "invalid configuration: DATABASE_URL is required"],
    [{ REDIS_URL: "http://x" }, "invalid configuration: REDIS_URL must be a redis:// or rediss:// or unix:// URL"],
    [{ REDIS_URL: "unix:///run/redis.sock", REDIS_CLUSTER: "true" }, "invalid configuration: REDIS_URL must be a redis:// or rediss:// URL when REDIS_CLUSTER is true"],
    [{ AUTH_SECRET: "short" }, "invalid configuration: AUTH_SECRET must be at least 32 characters"],
    [{ MAX_ACTIVE_KEYS_PER_WORKSPACE: "-1" }, "invalid configuration: MAX_ACTIVE_KEYS_PER_WORKSPACE"],
  ])("rejects %o with one line naming the variable", (patch, message) => {
    let error: unknown;
    try {
      loadConfig({ ...valid, ...patch });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });
});
