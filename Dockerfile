# syntax=docker/dockerfile:1
# Keyway's images: the portal (Next's standalone output behind apps/portal/server.mjs), the gateway
# (apps/gateway compiled to one JavaScript file: no TypeScript loader at run time) and the tools
# (migrations, CLI, mail catcher). docker-compose.yml runs the whole product.

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV CI=true NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
RUN npm install -g pnpm@12.4.2
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml turbo.json tsconfig.base.json ./
COPY apps/gateway/package.json apps/gateway/
COPY apps/portal/package.json apps/portal/
COPY packages/api/package.json packages/api/
COPY packages/auth/package.json packages/auth/
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/redis/package.json packages/redis/
COPY packages/sdk/package.json packages/sdk/
COPY prisma prisma
COPY scripts/prisma-generate.mjs scripts/
RUN pnpm install --frozen-lockfile --ignore-scripts
COPY . .
RUN pnpm db:generate && pnpm exec turbo run build --filter=@keyway/portal --filter=@keyway/gateway

# The gateway needs nothing but its compiled file and Node.
FROM node:22-bookworm-slim AS gateway
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /app/apps/gateway/dist ./dist
USER node
EXPOSE 3001 9464
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3001/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]

# The portal: Next's standalone folder (only the files the server needs, traced at build time).
FROM node:22-bookworm-slim AS portal
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=node:node /app/apps/portal/.next/standalone ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3000/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
WORKDIR /app/apps/portal
CMD ["node", "server.mjs"]

# One-shot jobs beside them (the migrations, the CLI, the mail catcher for trials): the whole build.
FROM build AS tools
USER node
