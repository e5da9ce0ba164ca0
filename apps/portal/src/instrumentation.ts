// Runs once when the portal's server starts: the usage flusher moves counts from Redis to
// PostgreSQL every few seconds (safe on any number of instances at once).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getServices } = await import("@keyway/api/server");
  const services = getServices();
  await services.ready();
  if (services.config.USAGE_FLUSH_INTERVAL_MS > 0) services.usage.start(services.config.USAGE_FLUSH_INTERVAL_MS);
}
