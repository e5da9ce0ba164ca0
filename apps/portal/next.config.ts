import type { NextConfig } from "next";

const config: NextConfig = {
  // The test command builds and serves its own copy, so a running `npm start` is left alone.
  distDir: process.env.KEYWAY_NEXT_DIST_DIR || ".next",
  // A self-contained server folder (.next/standalone) with only the files it needs, for the image.
  output: "standalone",
  outputFileTracingRoot: new URL("../..", import.meta.url).pathname,
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages are TypeScript source, compiled by Next.
  transpilePackages: ["@keyway/api", "@keyway/auth", "@keyway/core", "@keyway/db", "@keyway/protocol", "@keyway/redis", "@keyway/server"],
  // Node-only drivers stay outside the bundle.
  serverExternalPackages: ["pg", "ioredis", "@prisma/adapter-pg", "@prisma/client"],
  typedRoutes: false,
};

export default config;
