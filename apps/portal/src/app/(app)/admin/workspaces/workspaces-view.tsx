"use client";
// Every workspace (personal, teams, customers'), searchable, and a form for a customer's workspace.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Dialog, DialogFooter } from "~/components/dialog";
import { card, input, primary, scrollX } from "~/components/ui";
import { number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { useTRPC } from "~/trpc/client";
import { fieldErrors, formError } from "~/trpc/errors";
import { Field } from "~/components/field";
import { Pager, useSearch } from "../admin-lists";

const kind = (w: { personal: boolean; externalId: string | null; members: number }) => (w.personal ? "Personal" : w.members === 0 ? "Customer" : "Team");

export function WorkspacesView() {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { text, setText, q, page, setPage } = useSearch();
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const fields = fieldErrors(failure);
  const error = formError(failure, ["name", "externalId", "tier"]);
  const list = useQuery({ ...trpc.admin.workspaces.list.queryOptions({ q: q || undefined, page }), placeholderData: (p) => p });
  const tiers = useQuery(trpc.admin.tiers.list.queryOptions());
  const create = useMutation(trpc.admin.workspaces.create.mutationOptions({
    onSuccess: (w) => { setCreating(false); setFailure(null); void queryClient.invalidateQueries({ queryKey: trpc.admin.workspaces.list.queryKey() }); window.location.assign(`/admin/workspaces/${w.id}`); },
    onError: (e) => setFailure(e),
  }));
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const externalId = String(form.get("externalId") ?? "").trim();
    create.mutate({ name: String(form.get("name") ?? ""), externalId: externalId || null, tier: String(form.get("tier") ?? "free") });
  }

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Workspaces</h1>
          <p className="text-sm text-slate-600">{list.data ? `${fmt.format(list.data.total)} ${q ? "matching" : "in all"}` : "Loading…"}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="text-sm">
            <span className="sr-only">Search workspaces</span>
            <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Name, id, external id or member email" className={`${input} w-72 max-w-full`} />
          </label>
          <button type="button" className={primary} onClick={() => setCreating(true)}>New customer workspace</button>
        </div>
      </div>
      <div className={`${card} ${scrollX}`}>
        {list.isPending ? (
          <div aria-busy="true" aria-label="Loading workspaces" className="m-4 h-40 animate-pulse rounded bg-slate-100" />
        ) : list.isError ? (
          <p role="alert" className="p-4 text-sm text-red-700">Could not load workspaces: {list.error.message}</p>
        ) : list.data.workspaces.length === 0 ? (
          <p className="p-6 text-center text-slate-600">No workspace matches “{q}”.</p>
        ) : (
          <table className="w-full min-w-[44rem] text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">Name</th><th className="px-3 py-2 font-medium">Kind</th><th className="px-3 py-2 font-medium">Tier</th>
                <th className="px-3 py-2 text-right font-medium">Members</th><th className="px-3 py-2 text-right font-medium">Active keys</th><th className="px-3 py-2 font-medium">Created</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.data.workspaces.map((w) => (
                <tr key={w.id}>
                  <td className="px-3 py-2">
                    <Link className="font-medium text-indigo-700 hover:underline" href={`/admin/workspaces/${w.id}`}>{w.name}</Link>
                    {w.externalId && <span className="block text-xs text-slate-500">external id <code>{w.externalId}</code></span>}
                  </td>
                  <td className="px-3 py-2">{kind(w)}</td>
                  <td className="px-3 py-2 capitalize">{w.tierName}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{w.members}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{w.activeKeys}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{dateTime(w.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Pager page={page} pages={pages} onPage={setPage} />

      <Dialog open={creating} onClose={() => { setCreating(false); setFailure(null); }} title="New customer workspace">
        <form onSubmit={onCreate} className="space-y-4">
          <p className="text-sm text-slate-600">A workspace for one of the platform&apos;s own customers: it has no portal members; its keys are made by operators or through the platform API.</p>
          <Field idPrefix="new-workspace" label="Name" name="name" required maxLength={64} width="w-full" error={fields.name} />
          <Field idPrefix="new-workspace" label="External id" name="externalId" maxLength={128} width="w-full" placeholder="e.g. cus_12345"
            hint="Optional: your own id for this customer, unique." error={fields.externalId} />
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">Tier</span>
            <select name="tier" defaultValue="free" className={`${input} w-full capitalize`}>
              {(tiers.data ?? [{ name: "free" }]).map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
            </select>
          </label>
          <DialogFooter error={error} onCancel={() => { setCreating(false); setFailure(null); }}>
            <button type="submit" className={primary} disabled={create.isPending}>{create.isPending ? "Creating…" : "Create workspace"}</button>
          </DialogFooter>
        </form>
      </Dialog>
    </section>
  );
}
