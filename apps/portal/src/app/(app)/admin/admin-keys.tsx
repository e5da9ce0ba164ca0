"use client";
// A set of keys as admins see them (a user's, or a workspace's): each key's own limits, usage and
// revoke, and the usage chart of all of them or the one picked. Shared by the user and workspace pages.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmDialog, Dialog, DialogFooter } from "~/components/dialog";
import { StatusBadge, statusOf } from "~/components/key-status";
import { card, primary, secondary, scrollX } from "~/components/ui";
import { QuotaBars, RangeTabs, UsageChart, type Range } from "~/components/usage";
import { lastUsedAgo, number as fmt } from "~/lib/format";
import { formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import type { RouterOutputs } from "~/trpc/types";
import { LIMIT_FIELDS, LimitFields, limitsFrom, WINDOWS, type Window } from "./admin-lists";

type Key = RouterOutputs["admin"]["workspaces"]["get"]["keys"][number];
const overrideOf = (k: Key): Record<Window, number | null> => ({ minute: k.limitMinute, hour: k.limitHour, day: k.limitDay, month: k.limitMonth });

function KeyQuota({ keyId }: { keyId: string }) {
  const trpc = useTRPC();
  return <QuotaBars query={useQuery({ ...trpc.admin.usage.quota.queryOptions({ keyId }), refetchInterval: 5_000 })} />;
}

export function AdminKeys({ keys, scope, whose, planLimits, planName, creatorDisabled, onNotice }: {
  keys: Key[];
  /** Whose usage the chart shows when no key is picked. */
  scope: { userId: string } | { workspaceId: string };
  /** "this user", "this workspace": for the empty state and the chart's title. */
  whose: string;
  /** The plan's limits, as placeholders for a key's own. */
  planLimits?: Record<Window, number>;
  planName?: string;
  /** The keys' creator is disabled: their keys are refused whatever their own status. */
  creatorDisabled?: boolean;
  onNotice: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [range, setRange] = useState<Range>("day");
  const [keyId, setKeyId] = useState("");
  const series = useQuery({ ...trpc.admin.usage.series.queryOptions({ range, ...scope, keyId: keyId || undefined }), refetchInterval: 10_000, placeholderData: (p) => p });
  const [dialog, setDialog] = useState<null | { kind: "limits" | "revoke"; key: Key }>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const error = formError(failure, LIMIT_FIELDS);
  const done = (message: string) => async () => {
    setDialog(null);
    setFailure(null);
    onNotice(message);
    await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  };
  const fail = (e: unknown) => setFailure(e);
  const setLimits = useMutation(trpc.admin.keys.setLimits.mutationOptions({ onSuccess: done("Key limits saved."), onError: fail }));
  const revoke = useMutation(trpc.admin.keys.revoke.mutationOptions({ onSuccess: done("Key revoked."), onError: fail }));

  function onLimits(event: FormEvent<HTMLFormElement>, key: Key) {
    event.preventDefault();
    setLimits.mutate({ keyId: key.id, limits: limitsFrom(new FormData(event.currentTarget)) });
  }

  return (
    <>
      <section className={`${card} ${scrollX}`} aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="px-4 pt-4 text-lg font-medium">Keys</h2>
        {keys.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">{whose === "this user" ? "This user has no keys yet." : `No keys in ${whose} yet.`}</p>
        ) : (
          <table className="mt-2 w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr><th className="px-3 py-2 font-medium">Name</th><th className="px-3 py-2 font-medium">Key</th><th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Own limits</th><th className="px-3 py-2 font-medium">Created by</th><th className="px-3 py-2 font-medium">Last used</th><th className="px-3 py-2"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.map((k) => {
                const o = overrideOf(k);
                const overridden = WINDOWS.filter((w) => o[w] !== null);
                return (
                  <tr key={k.id}>
                    <td className="px-3 py-2 font-medium">{k.name}</td>
                    <td className="px-3 py-2"><code className="text-xs">{k.prefix}_…</code></td>
                    <td className="px-3 py-2">
                      <StatusBadge status={statusOf(k)} />
                      {creatorDisabled && k.status === "active" && <span className="mt-0.5 block text-xs text-red-700">refused: user disabled</span>}
                    </td>
                    <td className="px-3 py-2 text-xs" data-testid="key-limits">
                      {overridden.length === 0 ? <span className="text-slate-500">Plan only</span> : overridden.map((w) => `${fmt.format(o[w]!)}/${w}`).join(" · ")}
                    </td>
                    <td className="px-3 py-2">{k.user ? (k.user.name ?? k.user.email) : <span className="text-slate-500">—</span>}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{k.lastUsedAt ? lastUsedAgo(k.lastUsedAt) : "Never"}</td>
                    <td className="px-3 py-2">
                      <div className="flex justify-end gap-2 whitespace-nowrap">
                        <button type="button" className={secondary} onClick={() => setKeyId(k.id)} aria-pressed={keyId === k.id}>Usage</button>
                        {k.status === "active" && <button type="button" className={secondary} onClick={() => { setFailure(null); setDialog({ kind: "limits", key: k }); }}>Limits</button>}
                        {k.status === "active" && <button type="button" className={secondary} onClick={() => { setFailure(null); setDialog({ kind: "revoke", key: k }); }}>Revoke</button>}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="space-y-4" aria-labelledby="usage-heading">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="usage-heading" className="text-lg font-medium">
            Usage {keyId ? <>of <span className="font-semibold">{keys.find((k) => k.id === keyId)?.name}</span> <button type="button" className="ml-2 text-sm text-indigo-700 underline" onClick={() => setKeyId("")}>all keys</button></> : `of all the keys of ${whose}`}
          </h2>
        </div>
        <RangeTabs range={range} onChange={setRange}>
          <UsageChart query={series} range={range} />
        </RangeTabs>
        {keyId && <KeyQuota keyId={keyId} />}
      </section>

      {dialog?.kind === "limits" && (
        <Dialog open onClose={() => setDialog(null)} title={`Limits for ${dialog.key.name}`}>
          <form onSubmit={(e) => onLimits(e, dialog.key)} className="space-y-4">
            <p className="text-sm text-slate-600">The key&apos;s own limits, on top of its workspace&apos;s {planName ? `${planName} ` : ""}plan (which all of the workspace&apos;s keys share): the tighter one refuses. Leave a window empty for no limit of its own. From its next request.</p>
            <LimitFields idPrefix="key-limit" defaults={overrideOf(dialog.key)} error={failure}
              placeholders={Object.fromEntries(WINDOWS.map((w) => [w, planLimits ? `${fmt.format(planLimits[w])} (plan)` : "plan"])) as Record<Window, string>} />
            <DialogFooter error={error} onCancel={() => setDialog(null)}>
              <button type="button" className={secondary} disabled={setLimits.isPending}
                onClick={() => setLimits.mutate({ keyId: dialog.key.id, limits: { minute: null, hour: null, day: null, month: null } })}>
                Clear overrides
              </button>
              <button type="submit" className={primary} disabled={setLimits.isPending}>{setLimits.isPending ? "Saving…" : "Save limits"}</button>
            </DialogFooter>
          </form>
        </Dialog>
      )}

      {dialog?.kind === "revoke" && (
        <ConfirmDialog open onClose={() => setDialog(null)} title={`Revoke ${dialog.key.name}?`} error={error}
          confirm="Revoke key" pending={revoke.isPending} onConfirm={() => revoke.mutate({ keyId: dialog.key.id })}>
          Requests with <code>{dialog.key.prefix}_…</code> are refused from now on. This cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
