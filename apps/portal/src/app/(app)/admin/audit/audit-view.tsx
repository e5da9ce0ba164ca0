"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { card, input, primary, secondary, scrollX } from "~/components/ui";
import { useDates } from "~/lib/dates";
import type { Dates } from "~/lib/format";
import { useTRPC } from "~/trpc/client";

type Filter = { actor?: string; target?: string; action?: string; from?: Date; to?: Date };
/** The form's own values (the days as typed, to show them again). */
type Days = { fromDay?: string; toDay?: string };

/** A value of a change; instants (stored as UTC ISO strings) in the viewer's time. */
const show = (v: unknown, dateTime: Dates["dateTime"]) =>
  v === null || v === undefined ? "—"
  : typeof v === "object" ? JSON.stringify(v)
  : typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) ? dateTime(v)
  : String(v);

/** Audit actions in words; an action not listed here shows as its code. */
const ACTIONS: Record<string, string> = {
  "key.create": "Key created", "key.rename": "Key renamed", "key.revoke": "Key revoked", "key.roll": "Key rolled", "key.limits": "Key limits changed", "key.metadata": "Key metadata changed",
  "key.permissions": "Key permissions changed", "key.allowlist": "Key IP allowlist changed", "key.credits": "Key credits set",
  "permission.create": "Permission added", "permission.update": "Permission edited", "permission.delete": "Permission deleted",
  "role.create": "Role created", "role.update": "Role edited", "role.delete": "Role deleted", "workspace.credits": "Workspace credits set",
  "token.create": "Service token created", "token.revoke": "Service token revoked",
  "user.tier": "Plan changed (personal)", "user.role": "Role changed", "user.disable": "User disabled", "user.enable": "User enabled",
  "tier.create": "Tier created", "tier.update": "Tier edited", "tier.delete": "Tier deleted",
  "workspace.create": "Workspace created", "workspace.rename": "Workspace renamed", "workspace.delete": "Workspace deleted",
  "workspace.tier": "Workspace plan changed", "workspace.limits": "Workspace limits changed",
  "workspace.member.role": "Member's role changed", "workspace.member.remove": "Member removed", "workspace.leave": "Member left",
  "invitation.create": "Invitation sent", "invitation.renew": "Invitation renewed", "invitation.revoke": "Invitation revoked",
  "invitation.accept": "Invitation accepted", "invitation.decline": "Invitation declined",
  "account.sign_up": "Signed up", "account.email_verified": "Email verified", "account.email_change": "Email changed",
  "account.password_change": "Password changed", "account.password_reset": "Password reset", "account.rename": "Name changed",
  "account.delete": "Account deleted",
  "auth.sign_in": "Signed in", "auth.sign_in_failed": "Sign-in failed", "auth.sign_out": "Signed out",
  "auth.session_revoke": "Session ended", "auth.session_revoke_all": "Other sessions ended",
  "auth.2fa_enable": "Two-factor sign-in on", "auth.2fa_disable": "Two-factor sign-in off", "auth.2fa_recovery_codes": "Recovery codes renewed",
};
const actionLabel = (action: string) => ACTIONS[action] ?? action;

/** What changed, one line per field: "minute: 100 → 120"; a creation or deletion lists its fields. */
function changes(before: unknown, after: unknown, dateTime: Dates["dateTime"]): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  if (before === null || after === null) return Object.entries(after === null ? b : a).map(([k, v]) => `${k}: ${show(v, dateTime)}`);
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => `${k}: ${show(b[k], dateTime)} → ${show(a[k], dateTime)}`);
}

/** The tier an entry is about, for tier.* actions (they have no user or key target). */
const tierOf = (r: { action: string; before: unknown; after: unknown }) =>
  r.action.startsWith("tier.") ? String(((r.after ?? r.before) as { name?: string } | null)?.name ?? "") : "";

export function AuditView() {
  const { dateTime, startOfDay, zoneLabel } = useDates();
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>({});
  const [days, setDays] = useState<Days>({});
  const [dayError, setDayError] = useState<string | null>(null);
  const actions = useQuery(trpc.admin.audit.actions.queryOptions());
  const log = useInfiniteQuery(
    trpc.admin.audit.list.infiniteQueryOptions(filter, { getNextPageParam: (last) => last.next }),
  );
  const rows = log.data?.pages.flatMap((p) => p.rows) ?? [];
  const csv = `/api/admin/audit.csv?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]))}`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    const fromDay = value("from");
    const toDay = value("to");
    // "to" is a whole day: rows before the next day's start
    const next = (day: string) => new Date(Date.UTC(...(day.split("-").map(Number) as [number, number, number])) + 86_400_000).toISOString().slice(0, 10);
    if (fromDay && toDay && toDay < fromDay) {
      setDayError("The last day comes before the first.");
      return;
    }
    setDayError(null);
    setDays({ fromDay, toDay });
    setFilter({ actor: value("actor"), target: value("target"), action: value("action"), from: fromDay ? startOfDay(fromDay) : undefined, to: toDay ? startOfDay(next(toDay)) : undefined });
  }

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="text-sm text-slate-600">Every key lifecycle event and admin change, newest first. Rows are never changed or deleted.</p>
        </div>
        <a className={secondary} href={csv} download>Export CSV</a>
      </div>
      <form onSubmit={onSubmit} className={`${card} flex flex-wrap items-end gap-3 p-4`} aria-label="Filter the audit log">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Actor</span>
          <input name="actor" className={input} placeholder="email or id" defaultValue={filter.actor} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Target</span>
          <input name="target" className={input} placeholder="user email, key prefix or id, workspace id" defaultValue={filter.target} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Action</span>
          <select name="action" className={input} defaultValue={filter.action ?? ""}>
            <option value="">Any action</option>
            {(actions.data ?? []).map((a) => <option key={a} value={a}>{actionLabel(a)}</option>)}
          </select>
        </label>
        <fieldset className="text-sm">
          <legend className="mb-1 font-medium text-slate-700">Days <span className="font-normal text-slate-600">({zoneLabel()})</span></legend>
          <div className="flex flex-wrap items-center gap-2">
            <label><span className="sr-only">First day</span><input type="date" name="from" className={input} defaultValue={days.fromDay} aria-describedby={dayError ? "days-error" : undefined} /></label>
            <span aria-hidden className="text-slate-600">to</span>
            <label><span className="sr-only">Last day</span><input type="date" name="to" className={input} defaultValue={days.toDay} aria-invalid={Boolean(dayError)} aria-describedby={dayError ? "days-error" : undefined} /></label>
          </div>
          {dayError && <p id="days-error" className="mt-1 text-sm text-red-700">{dayError}</p>}
        </fieldset>
        <button type="submit" className={primary}>Filter</button>
        {(filter.actor || filter.target || filter.action || filter.from || filter.to) && (
          <button type="reset" className={secondary} onClick={() => { setFilter({}); setDays({}); setDayError(null); }}>Clear</button>
        )}
      </form>
      <div className={`${card} ${scrollX}`}>
        {log.isPending ? (
          <div aria-busy="true" aria-label="Loading the audit log" className="m-4 h-40 animate-pulse rounded bg-slate-100" />
        ) : log.isError ? (
          <p role="alert" className="p-4 text-sm text-red-700">Could not load the audit log: {log.error.message}</p>
        ) : rows.length === 0 ? (
          <p className="p-6 text-center text-slate-600">No audit entries match.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr><th scope="col" className="px-3 py-2 font-medium">When, from</th><th scope="col" className="px-3 py-2 font-medium">Who</th><th scope="col" className="px-3 py-2 font-medium">Action</th>
                <th scope="col" className="px-3 py-2 font-medium">Target</th><th scope="col" className="px-3 py-2 font-medium">Change</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {rows.map((r) => (
                <tr key={r.id} data-testid="audit-row">
                  <td className="px-3 py-2"><span className="whitespace-nowrap">{dateTime(r.at)}</span><br /><span className="text-xs text-slate-600" data-testid="audit-ip">{r.ip ?? "—"}</span></td>
                  <td className="min-w-[10rem] max-w-[14rem] wrap-anywhere px-3 py-2">{r.actorEmail ?? r.actorName ?? r.actorId ?? r.actorRole}<br /><span className="text-xs text-slate-600">{r.actorRole}</span></td>
                  <td className="px-3 py-2">{actionLabel(r.action)}<br /><code className="text-xs text-slate-500">{r.action}</code></td>
                  <td className="min-w-[10rem] max-w-[14rem] wrap-anywhere px-3 py-2">
                    {r.targetUserId && <Link className="text-indigo-700 hover:underline" href={`/admin/users/${r.targetUserId}`}>{r.targetUserEmail ?? r.targetUserId}</Link>}
                    {r.targetKeyPrefix && <><br /><code className="text-xs">{r.targetKeyPrefix}</code></>}
                    {r.targetWorkspaceId && <><br /><Link className="text-xs text-indigo-700 hover:underline" href={`/admin/workspaces/${r.targetWorkspaceId}`}>{r.targetWorkspaceName ?? "workspace (deleted)"}</Link></>}
                    {tierOf(r) && <span>tier <span className="font-medium">{tierOf(r)}</span></span>}
                  </td>
                  <td className="min-w-[12rem] px-3 py-2 text-xs">
                    <ul>{changes(r.before, r.after, dateTime).map((line) => <li key={line} className="wrap-anywhere">{line}</li>)}</ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {log.hasNextPage && (
        <div className="flex justify-center">
          <button type="button" className={secondary} disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            {log.isFetchingNextPage ? "Loading…" : "Load older entries"}
          </button>
        </div>
      )}
    </section>
  );
}
