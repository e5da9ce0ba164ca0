export const dynamic = "force-dynamic";

/** The process answers: a failing liveness probe means restart it. */
export function GET() {
  return Response.json({ live: true }, { headers: { "cache-control": "no-store" } });
}
