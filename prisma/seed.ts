// Demo data: one developer and one admin whose credentials the start command prints.
// Idempotent: running it again resets their passwords and roles, nothing else.
import { loadConfig } from "@keyway/core";
import { createServices } from "@keyway/api/server";

export const DEMO_USERS = [
  { email: "dev@keyway.local", name: "Dana Developer", password: "keyway-dev-pass", role: "developer", tier: "free" },
  { email: "admin@keyway.local", name: "Avery Admin", password: "keyway-admin-pass", role: "admin", tier: "enterprise" },
] as const;

const services = createServices(loadConfig(process.env));
try {
  for (const user of DEMO_USERS) await services.users.createWithPassword(user);
  console.log(JSON.stringify({ demoUsers: DEMO_USERS.map(({ email, password, role }) => ({ email, password, role })) }));
} finally {
  await services.close();
}
