"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "~/components/dialog";
import { useNotify } from "~/components/toast";
import { card, danger, input, primary, secondary, scrollX } from "~/components/ui";
import { number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { errorText } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import { AdminKeys } from "../../admin-keys";
import { WINDOWS } from "../../admin-lists";


export function UserDetail({ userId }: { userId: string }) {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const user = useQuery(trpc.admin.users.get.queryOptions({ userId }));
  const tiers = useQuery(trpc.admin.tiers.list.queryOptions());
  const [dialog, setDialog] = useState<null | { kind: "disable" } | { kind: "promote" }>(null);
  const [error, setError] = useState<string | null>(null);
  const notify = useNotify();

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  };
  const done = (message: string) => async () => {
    setDialog(null);
    setError(null);
    notify(message);
    await refresh();
  };
  const fail = (e: unknown) => setError(errorText(e));
  const setTier = useMutation(trpc.admin.users.setTier.mutationOptions({ onSuccess: done("Tier changed: their keys use the new limits from the next request."), onError: fail }));
  const setRole = useMutation(trpc.admin.users.setRole.mutationOptions({ onSuccess: done("Role changed."), onError: fail }));
  const setDisabled = useMutation(trpc.admin.users.setDisabled.mutationOptions({ onError: fail }));

  if (user.isPending) return <div aria-busy="true" aria-label="Loading the user" className="h-64 animate-pulse rounded-xl bg-slate-200" />;
  if (user.isError) {
    return <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">{user.error.message} <Link className="underline" href="/admin/users">Back to users</Link></p>;
  }
  const u = user.data;
  const tier = tiers.data?.find((t) => t.name === u.tierName);

  function onTier(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("tier"));
    if (value !== u.tierName) setTier.mutate({ userId, tier: value });
  }
  function onRole(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("role")) as "developer" | "admin";
    if (value === u.role) return;
    // more power needs a second look; taking it away does not
    if (value === "admin") {
      setError(null);
      setDialog({ kind: "promote" });
    } else setRole.mutate({ userId, role: value });
  }
  return (
    <section className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm"><Link className="text-indigo-700 hover:underline" href="/admin/users">← Users</Link></p>
          <h1 className="text-2xl font-semibold break-all">{u.email}</h1>
          <p className="text-sm text-slate-600">
            {u.name ?? "No name"} · joined {dateTime(u.createdAt)} ·{" "}
            {u.disabled ? <span className="font-medium text-red-700">disabled</span> : <span className="text-emerald-700">enabled</span>}
          </p>
        </div>
      </div>
      {error && !dialog && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}

      <div className="grid gap-4 md:grid-cols-3">
        <form onSubmit={onTier} className={`${card} space-y-3 p-4`}>
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">Tier of their personal workspace</span>
            <select name="tier" defaultValue={u.tierName} key={u.tierName} className={`${input} w-full capitalize`}>
              {(tiers.data ?? [{ name: u.tierName }]).map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
            </select>
          </label>
          {tier && <p className="text-xs text-slate-500">{WINDOWS.map((w) => `${fmt.format(tier.limits[w])}/${w}`).join(" · ")}</p>}
          <button type="submit" className={primary} disabled={setTier.isPending}>{setTier.isPending ? "Saving…" : "Change tier"}</button>
        </form>
        <form onSubmit={onRole} className={`${card} space-y-3 p-4`}>
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">Role</span>
            <select name="role" defaultValue={u.role} key={u.role} className={`${input} w-full`}>
              <option value="developer">Developer</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <p className="text-xs text-slate-500">Admins manage users, tiers and keys, and read the audit log.</p>
          <button type="submit" className={primary} disabled={setRole.isPending}>{setRole.isPending ? "Saving…" : "Change role"}</button>
        </form>
        <div className={`${card} space-y-3 p-4`}>
          <p className="text-sm font-medium text-slate-700">Access</p>
          <p className="text-xs text-slate-500">
            {u.disabled ? "Their keys are refused and they cannot sign in." : "Disabling signs them out and refuses all their keys at once."}
          </p>
          {u.disabled ? (
            <button type="button" className={secondary} disabled={setDisabled.isPending}
              onClick={() => setDisabled.mutate({ userId, disabled: false }, { onSuccess: done("User enabled: their keys work again.") })}>
              Enable user
            </button>
          ) : (
            <button type="button" className={danger} onClick={() => { setError(null); setDialog({ kind: "disable" }); }}>Disable user…</button>
          )}
        </div>
      </div>

      <section className={`${card} ${scrollX}`} aria-labelledby="workspaces-heading">
        <h2 id="workspaces-heading" className="px-4 pt-4 text-lg font-medium">Workspaces</h2>
        <table className="mt-2 w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-slate-500">
            <tr><th className="px-3 py-2 font-medium">Name</th><th className="px-3 py-2 font-medium">Their role</th><th className="px-3 py-2 font-medium">Tier</th></tr>
          </thead>
          <tbody>
            {u.workspaces.map((w) => (
              <tr key={w.id} className="border-b border-slate-100 last:border-0">
                <td className="px-3 py-2"><Link className="font-medium text-indigo-700 hover:underline" href={`/admin/workspaces/${w.id}`}>{w.name}</Link>{w.personal && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">personal</span>}</td>
                <td className="px-3 py-2 capitalize">{w.role}</td>
                <td className="px-3 py-2 capitalize">{w.tierName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <AdminKeys keys={u.keys} scope={{ userId }} whose="this user" planName={u.tierName} planLimits={tier?.limits} creatorDisabled={u.disabled} onNotice={notify} />

      <ConfirmDialog open={dialog?.kind === "disable"} onClose={() => setDialog(null)} title={`Disable ${u.email}?`} error={error}
        confirm="Disable user" pending={setDisabled.isPending}
        onConfirm={() => setDisabled.mutate({ userId, disabled: true }, { onSuccess: done("User disabled: signed out, keys refused.") })}>
        They are signed out everywhere and every one of their keys is refused (DISABLED_USER) from the next request. You can enable them again later.
      </ConfirmDialog>

      <ConfirmDialog open={dialog?.kind === "promote"} onClose={() => setDialog(null)} title={`Make ${u.email} an admin?`} error={error}
        confirm="Make admin" pendingLabel="Saving…" pending={setRole.isPending}
        onConfirm={() => setRole.mutate({ userId, role: "admin" })}>
        Admins manage every user, workspace, tier and key, and read the audit log. They must set up two-factor sign-in before using the console.
      </ConfirmDialog>

    </section>
  );
}
