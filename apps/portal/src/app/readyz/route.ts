import { getServices } from "@keyway/server";

export const dynamic = "force-dynamic";

/**
 * Send this instance traffic: 200 when PostgreSQL answers and Redis does too or the declared
 * degraded mode is in force; 503 otherwise. (/api/health is for people: it names what is down.)
 */
export async function GET() {
  const readiness = await getServices().readiness();
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
