import { auditCsv } from "@keyway/server";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";

export const dynamic = "force-dynamic";

const refuse = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/** GET /api/admin/audit.csv?actor=&target=&action= — the filtered audit log as a CSV download (admins only). */
export async function GET(req: Request) {
  const viewer = await getViewer();
  if (!viewer) return refuse(401, "UNAUTHORIZED", "Sign in to continue.");
  const services = getServices();
  const user = await services.db.user.findUnique({ where: { id: viewer.id }, select: { role: true } });
  if (user?.role !== "admin") return refuse(403, "FORBIDDEN", "Admins only.");
  const params = new URL(req.url).searchParams;
  const filter = {
    actor: params.get("actor")?.slice(0, 320) || undefined,
    target: params.get("target")?.slice(0, 320) || undefined,
    action: params.get("action")?.slice(0, 64) || undefined,
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
