"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmDialog, Dialog, DialogFooter } from "~/components/dialog";
import { useNotify } from "~/components/toast";
import { card, input, primary, secondary, scrollX } from "~/components/ui";
import { number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { fieldErrors, formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import type { RouterOutputs } from "~/trpc/types";
import { LIMIT_FIELDS, LimitFields, WINDOWS } from "../admin-lists";
import { Field } from "~/components/field";

type Tier = RouterOutputs["admin"]["tiers"]["list"][number];

/** A whole number typed with or without thousands separators; anything else is sent as is for the server to refuse clearly. */
const parseLimit = (raw: FormDataEntryValue | null) => {
  const text = String(raw ?? "").trim().replaceAll(",", "").replaceAll("_", "");
  return text === "" ? Number.NaN : Number(text);
};

export function TiersView() {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tiers = useQuery(trpc.admin.tiers.list.queryOptions());
  const [dialog, setDialog] = useState<null | { kind: "create" } | { kind: "edit" | "delete"; tier: Tier }>(null);
  // the failed call: its field messages go beside the fields, anything else under the form
  const [failure, setFailure] = useState<unknown>(null);
  const error = formError(failure, ["name", "maxKeyLifetimeDays", ...LIMIT_FIELDS]);
  const notify = useNotify();
  const done = (message: string) => async () => {
    setDialog(null);
    setFailure(null);
    notify(message);
    await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  };
  const onError = (e: unknown) => setFailure(e);
  const create = useMutation(trpc.admin.tiers.create.mutationOptions({ onSuccess: done("Tier created."), onError }));
  const update = useMutation(trpc.admin.tiers.update.mutationOptions({ onSuccess: done("Tier saved: every key on it uses the new limits from its next request."), onError }));
  const remove = useMutation(trpc.admin.tiers.remove.mutationOptions({ onSuccess: done("Tier deleted."), onError }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      limits: { minute: parseLimit(form.get("minute")), hour: parseLimit(form.get("hour")), day: parseLimit(form.get("day")), month: parseLimit(form.get("month")) },
      // empty: no maximum
      maxKeyLifetimeDays: String(form.get("maxKeyLifetimeDays") ?? "").trim() === "" ? null : parseLimit(form.get("maxKeyLifetimeDays")),
    };
    if (dialog?.kind === "edit") update.mutate({ ...input, name: dialog.tier.name });
    else create.mutate(input);
  }
  const open = (d: NonNullable<typeof dialog>) => {
    setFailure(null);
    setDialog(d);
  };
  const editing = dialog?.kind === "edit" ? dialog.tier : null;

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Tiers</h1>
          <p className="text-sm text-slate-600">Plans with their limits per window. All the keys of a workspace share its tier&apos;s limits; a key&apos;s own limits can only be tighter.</p>
        </div>
        <button type="button" className={primary} onClick={() => open({ kind: "create" })}>New tier</button>
      </div>
      <div className={`${card} ${scrollX}`}>
        {tiers.isPending ? (
          <div aria-busy="true" aria-label="Loading tiers" className="m-4 h-32 animate-pulse rounded bg-slate-100" />
        ) : tiers.isError ? (
          <p role="alert" className="p-4 text-sm text-red-700">Could not load tiers: {tiers.error.message}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">Tier</th>
                {WINDOWS.map((w) => <th key={w} className="px-3 py-2 text-right font-medium">Per {w}</th>)}
                <th className="px-3 py-2 text-right font-medium">Key lifetime</th>
                <th className="px-3 py-2 text-right font-medium">Workspaces</th><th className="px-3 py-2 font-medium">Changed</th>
                <th className="px-3 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tiers.data.map((t) => (
                <tr key={t.name} data-testid={`tier-${t.name}`}>
                  <td className="px-3 py-2"><span className="font-medium capitalize">{t.name}</span><br /><span className="text-xs text-slate-500">{t.description}</span></td>
                  {WINDOWS.map((w) => <td key={w} className="px-3 py-2 text-right tabular-nums">{fmt.format(t.limits[w])}</td>)}
                  <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{t.maxKeyLifetimeDays === null ? <span className="text-slate-500">any</span> : `≤ ${fmt.format(t.maxKeyLifetimeDays)} days`}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{fmt.format(t.workspaces)}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-600">{dateTime(t.updatedAt)}</td>
                  <td className="px-3 py-2">
                    <div className="flex justify-end gap-2">
                      <button type="button" className={secondary} onClick={() => open({ kind: "edit", tier: t })} aria-label={`Edit ${t.name}`}>Edit</button>
                      <button type="button" className={secondary} onClick={() => open({ kind: "delete", tier: t })} aria-label={`Delete ${t.name}`}
                        disabled={t.workspaces > 0} aria-describedby={t.workspaces > 0 ? `in-use-${t.name}` : undefined}>Delete</button>
                    </div>
                    {t.workspaces > 0 && <p id={`in-use-${t.name}`} className="mt-1 text-right text-xs text-slate-500">In use: move its workspaces first to delete it</p>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      {(dialog?.kind === "create" || dialog?.kind === "edit") && (
        <Dialog open onClose={() => setDialog(null)} title={editing ? `Edit the ${editing.name} tier` : "New tier"}>
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            {editing && (
              <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="tier-reach">
                {editing.workspaces === 0
                  ? "No workspace is on this tier yet."
                  : `${fmt.format(editing.workspaces)} workspace${editing.workspaces === 1 ? " is" : "s are"} on this tier: all their keys get the new limits on their next request.`}
              </p>
            )}
            {!editing && (
              <div className="text-sm">
                <label htmlFor="tier-name" className="mb-1 block font-medium text-slate-700">Name</label>
                <input id="tier-name" name="name" required pattern="[a-z0-9]{1,20}" className={`${input} w-full`} placeholder="e.g. startup"
                  aria-invalid={Boolean(fieldErrors(failure).name)} aria-describedby={`tier-name-hint${fieldErrors(failure).name ? " tier-name-error" : ""}`} />
                {fieldErrors(failure).name && <p id="tier-name-error" className="mt-1 text-sm text-red-700">{fieldErrors(failure).name}</p>}
                <span id="tier-name-hint" className="mt-1 block text-xs text-slate-600">Lowercase letters and digits; it appears in every key (ys_name_…) and cannot change later.</span>
              </div>
            )}
            <label className="block text-sm">
              <span className="mb-1 block font-medium text-slate-700">Description</span>
              <input name="description" defaultValue={editing?.description ?? ""} maxLength={200} className={`${input} w-full`} placeholder="Shown to developers on this plan" />
            </label>
            <LimitFields idPrefix="tier" required defaults={editing?.limits ?? { minute: null, hour: null, day: null, month: null }} error={failure} />
            <p className="text-xs text-slate-500">Whole numbers from 1 to 1,000,000,000, with minute ≤ hour ≤ day ≤ month.</p>
            <Field label="Maximum key lifetime (days)" name="maxKeyLifetimeDays" idPrefix="tier" inputMode="numeric" width="w-40"
              defaultValue={editing?.maxKeyLifetimeDays ?? ""} placeholder="No maximum" error={fieldErrors(failure).maxKeyLifetimeDays}
              hint="Keys made or rolled on this tier expire within this many days (1 to 3,650). Empty: no maximum. Existing keys keep their expiry." />
            <DialogFooter error={error} onCancel={() => setDialog(null)}>
              <button type="submit" className={primary} disabled={create.isPending || update.isPending}>
                {create.isPending || update.isPending ? "Saving…" : editing ? "Save tier" : "Create tier"}
              </button>
            </DialogFooter>
          </form>
        </Dialog>
      )}

      {dialog?.kind === "delete" && (
        <ConfirmDialog open onClose={() => setDialog(null)} title={`Delete the ${dialog.tier.name} tier?`} error={error}
          confirm="Delete tier" pending={remove.isPending} onConfirm={() => remove.mutate({ name: dialog.tier.name })}>
          No one is on it. Keys created on it keep working on their owners&apos; current tiers.
        </ConfirmDialog>
      )}
    </section>
  );
}
