import { defineConfig, devices } from "@playwright/test";

// Runs against a production build of the portal on its own port, with the database and Redis
// prefix that the test command (scripts/run.ts) set up for this run. Debian's Chromium, no download.
const port = Number(process.env.PORT ?? 3107);
const baseURL = `http://localhost:${port}`;
// A real OIDC provider (test/oidc-provider.ts) the portal is configured with, so "sign in with
// single sign-on" runs end to end.
const oidcPort = port + 1;
const gatewayPort = port + 3;
const distDir = process.env.KEYWAY_NEXT_DIST_DIR || ".next";
const oidc = {
  OIDC_ISSUER: `http://localhost:${oidcPort}`,
  OIDC_CLIENT_ID: "keyway-e2e",
  OIDC_CLIENT_SECRET: "keyway-e2e-secret-keyway-e2e-secret",
  OIDC_NAME: "Test SSO",
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "test-results/e2e-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined } },
  ],
  webServer: [
    {
      command: "node_modules/.bin/tsx test/oidc-provider.ts",
      url: `${oidc.OIDC_ISSUER}/.well-known/openid-configuration`,
      env: { OIDC_PORT: String(oidcPort), PORTAL_URL: baseURL },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The gateway: the portal forwards /api/v1 to it, and it hosts the usage flusher.
      command: "node_modules/.bin/tsx apps/gateway/src/main.ts",
      url: `http://127.0.0.1:${gatewayPort}/livez`,
      env: { ...(process.env as Record<string, string>), API_PORT: String(gatewayPort), METRICS_PORT: "0" },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The standalone folder the image ships, on plain node: the suite runs against what deploys.
      command: `node apps/portal/${distDir}/standalone/apps/portal/server.mjs --port ${port}`,
      url: `${baseURL}/api/health`,
      // The browsers send a made-up X-Forwarded-For (e2e/fixtures.ts), as if behind one proxy:
      // each test is its own visitor for the per-address throttles.
      env: { ...(process.env as Record<string, string>), ...oidc, NODE_ENV: "production", TRUSTED_PROXY_HOPS: "1", GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The same build with a database that cannot be reached: what people see when PostgreSQL is down.
      command: `pnpm --filter @keyway/portal start --port ${port + 2}`,
      url: `http://localhost:${port + 2}/sign-in`,
      env: { ...(process.env as Record<string, string>), DATABASE_URL: "postgresql://postgres@127.0.0.1:1/keyway", USAGE_FLUSH_INTERVAL_MS: "0" },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "ignore",
    },
  ],
});
