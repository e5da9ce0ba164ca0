"use client";
// Service tokens: what the platform's own services call the API with (verify, report, manage),
// each named and limited to its scopes. The secret is shown once; revoking asks first.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog, Dialog, DialogFooter } from "~/components/dialog";
import { Field } from "~/components/field";
import { OneTimeSecret } from "~/components/key-actions";
import { useNotify } from "~/components/toast";
import { card, input, primary, scrollX, secondary } from "~/components/ui";
import { lastUsedAgo } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { fieldErrors, formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import type { RouterOutputs } from "~/trpc/types";

type Token = RouterOutputs["admin"]["tokens"]["list"]["tokens"][number];

function statusOf(t: Token): "active" | "expired" | "revoked" {
  if (t.revokedAt) return "revoked";
  return t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now() ? "expired" : "active";
}

export function TokensView() {
  const { dateTime, dateOnly } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const list = useQuery(trpc.admin.tokens.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
  const create = useMutation(trpc.admin.tokens.create.mutationOptions({ onSuccess: async (made) => { setSecret(made.token); await refresh(); } }));
  const revoke = useMutation(trpc.admin.tokens.revoke.mutationOptions({
    onSuccess: async () => { setRevoking(null); notify("Token revoked: calls with it are refused within seconds."); await refresh(); },
  }));
  const closeCreate = () => { setCreating(false); setSecret(null); create.reset(); };
  const fields = fieldErrors(create.error);

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Service tokens</h1>
          <p className="text-sm text-slate-600">
            Your platform&apos;s services send one as <code className="font-mono text-xs">Authorization: Bearer …</code> to verify keys and report usage.
            Each has only the scopes it needs; give every service its own, so one can be revoked alone. The <code className="font-mono text-xs">KEYWAY_SERVICE_TOKEN</code> of the environment still works, with every scope.
          </p>
        </div>
        <button type="button" className={primary} onClick={() => setCreating(true)}>New service token</button>
      </div>

      <div className={`${card} ${scrollX}`}>
        {list.isPending ? <div aria-busy="true" aria-label="Loading service tokens" className="m-4 h-24 animate-pulse rounded bg-slate-100" />
          : list.isError ? <p role="alert" className="p-4 text-sm text-red-700">Could not load the service tokens: {list.error.message}</p>
          : list.data.tokens.length === 0 ? <p className="p-6 text-center text-sm text-slate-600">No service token yet: services use the environment&apos;s bootstrap token until you make one for each.</p>
          : (
            <table className="w-full min-w-[44rem] text-left text-sm" data-testid="tokens-table">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th className="px-3 py-2 font-medium">Token</th><th className="px-3 py-2 font-medium">Scopes</th><th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Last used</th><th className="px-3 py-2 font-medium">Expires</th><th className="px-3 py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.data.tokens.map((t) => {
                  const status = statusOf(t);
                  return (
                    <tr key={t.id} data-testid={`token-${t.name}`}>
                      <td className="px-3 py-2">
                        <span className="font-medium">{t.name}</span>
                        <code className="block font-mono text-xs text-slate-600">{t.prefix}_…</code>
                        <span className="block text-xs text-slate-600">made {dateOnly(t.createdAt)}{t.createdBy ? ` by ${t.createdBy.name ?? t.createdBy.email}` : ""}</span>
                      </td>
                      <td className="px-3 py-2"><span className="break-words font-mono text-xs">{t.scopes.join(", ")}</span></td>
                      <td className="px-3 py-2">
                        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${status === "active" ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : status === "revoked" ? "bg-red-50 text-red-700 ring-red-200" : "bg-slate-100 text-slate-600 ring-slate-200"}`}>{status}</span>
                      </td>
                      <td className="px-3 py-2 whitespace-nowrap" title={t.lastUsedAt ? dateTime(t.lastUsedAt) : undefined}>{t.lastUsedAt ? lastUsedAgo(t.lastUsedAt) : "Never"}</td>
                      <td className="px-3 py-2 whitespace-nowrap">{t.expiresAt ? dateOnly(t.expiresAt) : "Never"}</td>
                      <td className="px-3 py-2 text-right">
                        {status === "active" && <button type="button" className={secondary} onClick={() => { revoke.reset(); setRevoking(t); }} aria-label={`Revoke ${t.name}`}>Revoke</button>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
      </div>

      <Dialog open={creating} onClose={closeCreate} locked={secret !== null} title={secret ? "Your new service token" : "New service token"}>
        {secret ? (
          <OneTimeSecret secret={secret} label="Your new service token" what="token" onDone={closeCreate}>
            <p className="text-sm text-slate-600">Give it to the service it is for, as <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.</p>
          </OneTimeSecret>
        ) : (
          <form className="space-y-4" noValidate onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const days = Number(form.get("expires"));
            create.mutate({
              name: String(form.get("name") ?? ""),
              scopes: form.getAll("scopes").map(String) as never,
              expiresInDays: days > 0 ? days : null,
            });
          }}>
            <Field label="Name" name="name" idPrefix="token" required maxLength={64} placeholder="e.g. billing service" error={fields.name} hint="What uses it: the audit log names its calls by it." />
            {/* (a change of scopes clears the last refusal: it was about the old choice) */}
            <fieldset aria-describedby={fields.scopes ? "token-scopes-error" : undefined} onChange={() => create.isError && create.reset()}>
              <legend className="mb-1 text-sm font-medium text-slate-700">Scopes</legend>
              <div className="grid gap-1.5">
                {(list.data?.scopes ?? []).map((s) => (
                  <label key={s.name} htmlFor={`scope-${s.name}`} className="flex items-start gap-2 text-sm">
                    <input id={`scope-${s.name}`} type="checkbox" name="scopes" value={s.name} defaultChecked={s.name === "keys.verify"} className="mt-0.5" />
                    <span className="font-mono text-xs">{s.name}<span className="block font-sans text-xs text-slate-600">{s.description}</span></span>
                  </label>
                ))}
              </div>
              {fields.scopes && <p id="token-scopes-error" role="alert" className="mt-1 text-sm text-red-700">{fields.scopes}</p>}
            </fieldset>
            <label className="block text-sm">
              <span className="mb-1 block font-medium text-slate-700">Expires</span>
              <select name="expires" defaultValue="365" className={`${input} w-full`}>
                <option value="30">In 30 days</option>
                <option value="90">In 90 days</option>
                <option value="365">In a year</option>
                <option value="0">Never</option>
              </select>
            </label>
            <DialogFooter error={formError(create.error, ["name", "scopes"])} onCancel={closeCreate}>
              <button type="submit" className={primary} disabled={create.isPending}>{create.isPending ? "Creating…" : "Create token"}</button>
            </DialogFooter>
          </form>
        )}
      </Dialog>

      <ConfirmDialog open={revoking !== null} onClose={() => setRevoking(null)} title={`Revoke ${revoking?.name ?? "the token"}?`} error={formError(revoke.error, [])}
        confirm="Revoke token" pendingLabel="Revoking…" pending={revoke.isPending} onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}>
        Services using <code className="font-mono">{revoking?.prefix}_…</code> are refused with 401 within seconds. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}
