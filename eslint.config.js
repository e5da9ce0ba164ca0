import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// The dependency rule (docs/architecture.md): each package imports only the ones below it.
//   protocol  <-  core  <-  db, redis  <-  auth  <-  server  <-  api  <-  portal
//   protocol  <-  sdk;     server, protocol  <-  gateway
// A wrong-way import fails the lint (test/boundaries.test.ts proves it does).
const PACKAGES = ["protocol", "core", "db", "redis", "auth", "server", "api", "sdk", "gateway", "portal"];
const FRAMEWORKS = ["@prisma/*", "ioredis", "pg", "next", "next/*", "next-auth", "next-auth/*", "react", "react-dom", "@trpc/*", "pino", "prom-client", "nodemailer"];
const allowed = {
  "packages/protocol": [],
  "packages/core": ["protocol"],
  "packages/db": ["core", "protocol"],
  "packages/redis": ["core", "protocol"],
  "packages/auth": ["core", "db", "protocol"],
  "packages/server": ["core", "db", "redis", "auth", "protocol"],
  "packages/api": ["core", "db", "auth", "server", "protocol"],
  "packages/sdk": ["protocol"],
  "apps/gateway": ["core", "redis", "server", "protocol"],
  "apps/portal": ["core", "auth", "server", "api", "protocol"],
};
const boundaries = Object.entries(allowed).map(([dir, deps]) => ({
  files: [`${dir}/src/**/*.{ts,tsx}`],
  ignores: ["**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: PACKAGES.filter((p) => !deps.includes(p) && `packages/${p}` !== dir && `apps/${p}` !== dir).map((p) => `@keyway/${p}`),
            message: `${dir} may import only ${deps.length ? deps.map((d) => `@keyway/${d}`).join(", ") : "no Keyway package"} (the dependency rule, docs/architecture.md).`,
          },
          { group: ["**/packages/*/src/**", "**/apps/*/src/**"], message: "Import another package by its name, not by a path into its source." },
          ...(dir === "packages/core" || dir === "packages/protocol" || dir === "packages/sdk"
            ? [{ group: FRAMEWORKS, message: `${dir} is framework-free: no database, Redis, web framework or logging library.` }]
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/.next/**", "**/.next-test/**", "**/dist/**", "**/generated/**", "test-results/**", ".keyway/**", "**/next-env.d.ts"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  // The portal: hooks used as React requires, and markup a keyboard or screen-reader user can work.
  {
    files: ["apps/portal/src/**/*.tsx"],
    ...jsxA11y.flatConfigs.strict,
    plugins: { ...jsxA11y.flatConfigs.strict.plugins, "react-hooks": reactHooks },
    rules: { ...jsxA11y.flatConfigs.strict.rules, ...reactHooks.configs.recommended.rules },
  },
  ...boundaries,
);
