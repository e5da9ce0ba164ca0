"use client";
// One workspace as a platform admin sees it: plan and overrides (any value), members, keys, usage.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useNotify } from "~/components/toast";
import { CreditsForm, REFILL_TEXT } from "~/components/credits-form";
import { card, input, primary, secondary, scrollX } from "~/components/ui";
import { number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import { AdminKeys } from "../../admin-keys";
import { LIMIT_FIELDS, LimitFields, limitsFrom, WINDOWS } from "../../admin-lists";


export function WorkspaceDetail({ workspaceId }: { workspaceId: string }) {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useQuery(trpc.admin.workspaces.get.queryOptions({ workspaceId }));
  const tiers = useQuery(trpc.admin.tiers.list.queryOptions());
  const notify = useNotify();
  const [error, setError] = useState<string | null>(null);
  const done = (message: string) => async () => {
    setError(null);
    notify(message);
    await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  };
  const fail = (e: unknown) => { setError(formError(e, LIMIT_FIELDS)); };
  const setTier = useMutation(trpc.admin.workspaces.setTier.mutationOptions({ onSuccess: done("Tier changed: the workspace's keys use it from their next request."), onError: fail }));
  const setLimits = useMutation(trpc.admin.workspaces.setLimits.mutationOptions({ onSuccess: done("Plan overrides saved: from the next request."), onError: fail }));
  const setCredits = useMutation(trpc.admin.workspaces.setCredits.mutationOptions({ onSuccess: done("Credits saved: the workspace's keys take from the new balance from their next request.") }));

  if (workspace.isPending) return <div aria-busy="true" aria-label="Loading the workspace" className="h-64 animate-pulse rounded-xl bg-slate-200" />;
  if (workspace.isError) {
    return <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">{workspace.error.message} <Link className="underline" href="/admin/workspaces">Back to workspaces</Link></p>;
  }
  const w = workspace.data;

  function onTier(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("tier"));
    if (value !== w.tierName) setTier.mutate({ workspaceId, tier: value });
  }
  function onLimits(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setLimits.mutate({ workspaceId, limits: limitsFrom(new FormData(event.currentTarget)) });
  }

  return (
    <section className="space-y-6">
      <div>
        <p className="text-sm"><Link className="text-indigo-700 hover:underline" href="/admin/workspaces">← Workspaces</Link></p>
        <h1 className="text-2xl font-semibold break-words">{w.name}</h1>
        <p className="text-sm text-slate-600">
          {w.personal ? "Personal workspace" : w.members.length === 0 ? "Customer workspace (no members)" : "Team workspace"} · created {dateTime(w.createdAt)}
          {w.externalId && <> · external id <code>{w.externalId}</code></>}
        </p>
      </div>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}

      <div className="grid gap-4 md:grid-cols-3">
        <form onSubmit={onTier} className={`${card} space-y-3 p-4`}>
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">Tier</span>
            <select name="tier" defaultValue={w.tierName} key={w.tierName} className={`${input} w-full capitalize`}>
              {(tiers.data ?? [{ name: w.tierName }]).map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
            </select>
          </label>
          <p className="text-xs text-slate-500">{WINDOWS.map((x) => `${fmt.format(w.plan.limits[x])}/${x}`).join(" · ")}, for all its keys together.</p>
          <button type="submit" className={primary} disabled={setTier.isPending}>{setTier.isPending ? "Saving…" : "Change tier"}</button>
        </form>
        <form onSubmit={onLimits} className={`${card} space-y-3 p-4 md:col-span-2`} key={JSON.stringify(w.overrides)}>
          <p className="text-sm font-medium text-slate-700">Overrides of the plan <span className="font-normal text-slate-500">(empty: the tier&apos;s value)</span></p>
          <LimitFields idPrefix="workspace-limit" className="grid grid-cols-2 gap-3 sm:grid-cols-4" defaults={w.overrides} error={setLimits.error}
            placeholders={Object.fromEntries(WINDOWS.map((x) => [x, fmt.format(w.plan.limits[x])])) as Record<(typeof WINDOWS)[number], string>} />
          <p className="text-xs text-slate-500">In force now: {WINDOWS.map((x) => `${fmt.format(w.limits[x])}/${x}`).join(" · ")}.</p>
          <button type="submit" className={secondary} disabled={setLimits.isPending}>{setLimits.isPending ? "Saving…" : "Save overrides"}</button>
        </form>
      </div>

      <section className={`${card} space-y-3 p-4`} aria-labelledby="credits-heading">
        <div>
          <h2 id="credits-heading" className="text-lg font-medium">Credits</h2>
          <p className="text-sm text-slate-600">
            {w.credits === null
              ? "No shared balance: only the plan's limits apply. With one, every key of the workspace takes each request's cost from it, and at zero is refused with 429 USAGE_EXCEEDED."
              : <>A shared balance of <strong className="tabular-nums">{fmt.format(w.credits.remaining)}</strong> as last reconciled (at most a flush interval behind the live one){w.credits.refill ? `, topped up to ${fmt.format(w.credits.refill.amount)} ${REFILL_TEXT[w.credits.refill.interval]}` : ", no refill"}.</>}
          </p>
        </div>
        <CreditsForm key={JSON.stringify(w.credits)} idPrefix="workspace-credits" remaining={w.credits?.remaining ?? null} refill={w.credits?.refill ?? null}
          pending={setCredits.isPending} error={setCredits.error} onSave={(credits) => setCredits.mutate({ workspaceId, credits })} />
        {w.credits !== null && <button type="button" className={secondary} disabled={setCredits.isPending} onClick={() => setCredits.mutate({ workspaceId, credits: null })}>Remove the balance</button>}
      </section>

      <section className={`${card} ${scrollX}`} aria-labelledby="members-heading">
        <h2 id="members-heading" className="px-4 pt-4 text-lg font-medium">Members</h2>
        {w.members.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">No portal members: this workspace&apos;s keys are managed by operators or the platform API.</p>
        ) : (
          <table className="mt-2 w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr><th className="px-3 py-2 font-medium">Member</th><th className="px-3 py-2 font-medium">Role</th><th className="px-3 py-2 font-medium">Joined</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {w.members.map((m) => (
                <tr key={m.userId}>
                  <td className="px-3 py-2"><Link className="font-medium text-indigo-700 hover:underline" href={`/admin/users/${m.userId}`}>{m.email}</Link>{m.name && <span className="block text-xs text-slate-500">{m.name}</span>}</td>
                  <td className="px-3 py-2 capitalize">{m.role}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{dateTime(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {w.invitations.length > 0 && <p className="px-4 pb-4 text-sm text-slate-600">{w.invitations.length} open invitation{w.invitations.length === 1 ? "" : "s"}: {w.invitations.map((i) => `${i.email} (${i.role})`).join(", ")}.</p>}
      </section>

      <AdminKeys keys={w.keys} scope={{ workspaceId }} whose="this workspace" planName={w.tierName} planLimits={w.limits} onNotice={notify} />
    </section>
  );
}
