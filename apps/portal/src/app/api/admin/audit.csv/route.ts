import { auditCsv } from "@keyway/server";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";

export const dynamic = "force-dynamic";

const refuse = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/** GET /api/admin/audit.csv?actor=&target=&action=&from=&to= — the filtered audit log as a CSV download (admins only). */
export async function GET(req: Request) {
  const viewer = await getViewer();
  if (!viewer) return refuse(401, "UNAUTHORIZED", "Sign in to continue.");
  const services = getServices();
  const user = await services.db.user.findUnique({ where: { id: viewer.id }, select: { role: true } });
  if (user?.role !== "admin") return refuse(403, "FORBIDDEN", "Admins only.");
  const params = new URL(req.url).searchParams;
  /** An instant (ISO 8601) or nothing; anything else is refused. */
  const instant = (name: string): Date | undefined | null => {
    const raw = params.get(name);
    if (!raw) return undefined;
    const at = new Date(raw);
    return raw.length <= 40 && !Number.isNaN(at.getTime()) ? at : null;
  };
  const from = instant("from");
  const to = instant("to");
  if (from === null || to === null) return refuse(400, "BAD_REQUEST", "from and to are instants, e.g. 2026-12-01T00:00:00Z.");
  const filter = {
    actor: params.get("actor")?.slice(0, 320) || undefined,
    target: params.get("target")?.slice(0, 320) || undefined,
    action: params.get("action")?.slice(0, 64) || undefined,
    from,
    to,
  };
  const lines = auditCsv(services.admin.audit, filter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        services.log.error({ err: (error as Error).message }, "audit export failed");
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="keyway-audit-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
