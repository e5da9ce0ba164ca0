// Runs once when the portal's server starts: the usage flusher moves counts from Redis to
// PostgreSQL every few seconds (safe on any number of instances at once). It has its own
// connections, with a background job's timeouts, and reports to the portal's metrics.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { createFlusher, getServices } = await import("@keyway/api/server");
  const services = getServices();
  await services.ready();
  if (services.config.USAGE_FLUSH_INTERVAL_MS > 0) createFlusher(services.config, services.metrics).start(services.config.USAGE_FLUSH_INTERVAL_MS);
}
