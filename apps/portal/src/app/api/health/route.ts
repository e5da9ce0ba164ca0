import { getServices } from "@keyway/server";

export const dynamic = "force-dynamic";

/** 200 when PostgreSQL and Redis both answer; 503 naming the one that does not. */
export async function GET() {
  const health = await getServices().health();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
