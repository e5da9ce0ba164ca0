import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/lib/**/*.test.ts", "apps/gateway/src/**/*.test.ts", "scripts/**/*.test.ts", "test/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/src/**/*.int.test.ts", "apps/gateway/src/**/*.int.test.ts", "test/**/*.int.test.ts"],
          // Each run gets its own PostgreSQL database (migrated) and Redis key prefix, dropped after.
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Faults under load (Redis stopped, an instance killed, PostgreSQL stopped): minutes long and
        // timing-sensitive, so the test command runs them alone, after the others.
        test: {
          name: "chaos",
          include: ["test/chaos/**/*.chaos.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
