// A key's status as people read it: active, expiring (within 7 days), expired or revoked.
export type Status = "active" | "expiring" | "expired" | "revoked";

export function statusOf(k: { status: "active" | "revoked"; expiresAt: Date | string | null }, now = Date.now()): Status {
  if (k.status === "revoked") return "revoked";
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= now) return "expired";
  if (k.expiresAt && new Date(k.expiresAt).getTime() - now < 7 * 86_400_000) return "expiring";
  return "active";
}

const BADGE: Record<Status, string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  expiring: "bg-amber-50 text-amber-800 ring-amber-200",
  expired: "bg-slate-100 text-slate-600 ring-slate-200",
  revoked: "bg-red-50 text-red-700 ring-red-200",
};

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${BADGE[status]}`}>{status}</span>;
}
