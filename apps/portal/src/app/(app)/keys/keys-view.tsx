"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import Link from "next/link";
import { Dialog, DialogFooter } from "~/components/dialog";
import { NewKey, useKeyActions } from "~/components/key-actions";
import { Tip } from "~/components/tip";
import { errorText } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import type { RouterOutputs } from "~/trpc/types";
import { lastUsedAgo } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { primary, secondary, scrollX, card } from "~/components/ui";
import { StatusBadge, statusOf } from "~/components/key-status";
import { can, useWorkspace } from "~/components/workspace";
import { allowedExpiry, EnvironmentBadge, EXPIRY_CHOICES, PermissionPicker, type Environment, type Grants } from "~/components/key-policy";

const PAGE = 50;

type Key = RouterOutputs["keys"]["list"][number];
export function KeysView() {
  const { dateOnly, dateTime: fmt } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { current } = useWorkspace();
  const workspaceId = current.id;
  // viewers see the keys but change none (the server refuses it too)
  const canEdit = can(current.role, "developer");
  // Refreshed every 10 s so "last used" follows traffic (the list reads it from Redis until the
  // usage flusher has moved it to PostgreSQL).
  const keys = useQuery(trpc.keys.list.queryOptions({ workspaceId }, { refetchInterval: 10_000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });

  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const actions = useKeyActions(workspaceId);
  const [sort, setSort] = useState<{ by: "name" | "createdAt" | "lastUsedAt"; dir: 1 | -1 }>({ by: "createdAt", dir: -1 });
  const [page, setPage] = useState(0);

  const create = useMutation(trpc.keys.create.mutationOptions({ onSuccess: refresh }));

  const [search, setSearch] = useState("");
  const [environment, setEnvironment] = useState<Environment | "all">("all");
  const [showRevoked, setShowRevoked] = useState(false);
  const byId = useMemo(() => new Map((keys.data ?? []).map((k) => [k.id, k])), [keys.data]);
  const revokedCount = (keys.data ?? []).filter((k) => k.status === "revoked").length;
  const sorted = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const list = (keys.data ?? []).filter((k) =>
      (showRevoked || k.status !== "revoked") && (environment === "all" || k.environment === environment) &&
      (!needle || k.name.toLowerCase().includes(needle) || k.prefix.toLowerCase().includes(needle)));
    const value = (k: Key) => (sort.by === "name" ? k.name.toLowerCase() : new Date(k[sort.by] ?? 0).getTime());
    list.sort((a, b) => {
      const av = value(a);
      const bv = value(b);
      return (av < bv ? -1 : av > bv ? 1 : 0) * sort.dir;
    });
    return list;
  }, [keys.data, sort, search, showRevoked, environment]);
  const hasTestKeys = (keys.data ?? []).some((k) => k.environment === "test");
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE));
  const shown = sorted.slice(page * PAGE, page * PAGE + PAGE);

  const close = () => {
    setCreating(false);
    setSecret(null);
    setFormError(null);
  };

  const onCreate = async (input: { name: string; environment: Environment; expiresInDays: number | null; grants: Grants | null }) => {
    try {
      const { grants, ...rest } = input;
      const result = await create.mutateAsync({ workspaceId, ...rest, ...(grants ? { permissions: grants.permissions, roles: grants.roles } : {}) });
      setSecret(result.key);
    } catch (e) {
      setFormError(errorText(e));
    }
  };

  const sortHeader = (by: typeof sort.by, label: string) => (
    <th scope="col" className="whitespace-nowrap px-3 py-2" aria-sort={sort.by === by ? (sort.dir === 1 ? "ascending" : "descending") : "none"}>
      <button type="button" className="font-medium hover:text-slate-900" onClick={() => setSort({ by, dir: sort.by === by ? (-sort.dir as 1 | -1) : by === "name" ? 1 : -1 })}>
        {label} {sort.by === by ? (sort.dir === 1 ? "↑" : "↓") : ""}
      </button>
    </th>
  );

  return (
    <section className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">API keys</h1>
          <p className="text-sm text-slate-600">
            {current.personal ? "Your services send a key with each request; Keyway checks it and its rate limits." : `The keys of ${current.name}: every member sees them, and they share its plan.`}
          </p>
        </div>
        {canEdit && <button type="button" className={primary} onClick={() => setCreating(true)}>Create key</button>}
      </div>
      {!canEdit && (
        <p role="note" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700" data-testid="viewer-note">
          You are a viewer in {current.name}: you see its keys and usage. Ask one of its admins for the developer role to create or change keys.
        </p>
      )}

      {(keys.data?.length ?? 0) > 0 && (
        <div className="flex flex-wrap items-center gap-3">
          <label className="min-w-0 flex-1 basis-56">
            <span className="sr-only">Search keys</span>
            <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setPage(0); }} placeholder="Search by name or prefix"
              className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm sm:w-72" />
          </label>
          {hasTestKeys && (
            <label className="flex items-center gap-2 text-sm text-slate-700">
              Environment
              <select value={environment} onChange={(e) => { setEnvironment(e.target.value as Environment | "all"); setPage(0); }} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm">
                <option value="all">Live and test</option>
                <option value="live">Live only</option>
                <option value="test">Test only</option>
              </select>
            </label>
          )}
          {revokedCount > 0 && (
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={showRevoked} onChange={(e) => { setShowRevoked(e.target.checked); setPage(0); }} />
              Show revoked ({revokedCount})
            </label>
          )}
        </div>
      )}
      {keys.isPending ? (
        <div aria-busy="true" aria-label="Loading your keys" className="space-y-2">
          {[0, 1, 2].map((i) => <div key={i} className="h-12 animate-pulse rounded-md bg-slate-200" />)}
        </div>
      ) : keys.isError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">Could not load your keys: {keys.error.message}</p>
      ) : sorted.length === 0 && keys.data.length > 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-surface p-6 text-center text-sm text-slate-600">
          No {environment === "all" ? "" : `${environment} `}key matches{search.trim() ? ` “${search.trim()}”` : ""}{!showRevoked && revokedCount > 0 ? " among the keys not revoked" : ""}.
        </p>
      ) : sorted.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-surface p-10 text-center">
          <h2 className="text-lg font-medium">No API keys yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
            An API key identifies your app when it calls the platform. Create one, copy it once, and send it as
            <code className="mx-1 rounded bg-slate-100 px-1">Authorization: Bearer …</code>.
          </p>
          {canEdit && <button type="button" className={`${primary} mt-4`} onClick={() => setCreating(true)}>Create your first key</button>}
        </div>
      ) : (
        <div className={`${card} ${scrollX}`}>
          <table className="w-full min-w-[52rem] text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                {sortHeader("name", "Name")}
                <th scope="col" className="px-3 py-2 font-medium">Key</th>
                <th scope="col" className="px-3 py-2 font-medium">Status</th>
                <th scope="col" className="px-3 py-2 font-medium">Created by</th>
                {sortHeader("createdAt", "Created")}
                {sortHeader("lastUsedAt", "Last used")}
                <th scope="col" className="px-3 py-2 font-medium">Expires</th>
                <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((k) => {
                const status = statusOf(k);
                const live = status === "active" || status === "expiring";
                return (
                  <tr key={k.id} className="border-b border-slate-100 last:border-0" data-testid={`key-${k.prefix}`}>
                    <td className="min-w-[9rem] px-3 py-2">
                      {/* its page: usage, quota, limits, events, recent verifications, rename */}
                      <span className="flex flex-wrap items-center gap-1.5">
                        <Link href={`/keys/${k.id}`} className="font-medium text-indigo-700 hover:underline">{k.name}</Link>
                        <EnvironmentBadge environment={k.environment} />
                        {(k.permissions.length > 0 || k.roles.length > 0) && (
                          <Tip tip={[...k.roles.map((r) => `role ${r.roleName}`), ...k.permissions.map((p) => p.permissionName)].join(", ")}>
                            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700 ring-1 ring-slate-200">Restricted</span>
                          </Tip>
                        )}
                      </span>
                    </td>
                    <td className="max-w-[11rem] truncate px-3 py-2 font-mono text-xs" title={`${k.prefix}_…`}>{k.prefix}_…</td>
                    <td className="px-3 py-2">
                      <StatusBadge status={status} />
                      {k.rolledToId && (
                        <span className="mt-0.5 block text-xs text-slate-600">replaced by <Link href={`/keys/${k.rolledToId}`} className="text-indigo-700 hover:underline">{byId.get(k.rolledToId)?.name ?? "a newer key"}</Link></span>
                      )}
                    </td>
                    <td className="max-w-[12rem] truncate px-3 py-2" data-testid="created-by" title={k.user?.email}>
                      {k.user ? (k.user.name ?? k.user.email) : <span className="text-slate-500" title="Made by an operator, or by an account since deleted">—</span>}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap" title={fmt(k.createdAt)}>{dateOnly(k.createdAt)}</td>
                    <td className="px-3 py-2 whitespace-nowrap" data-testid="last-used">{k.lastUsedAt ? <Tip tip={`In the minute from ${fmt(k.lastUsedAt)}`}>{lastUsedAgo(k.lastUsedAt)}</Tip> : "Never"}</td>
                    <td className="px-3 py-2 whitespace-nowrap" title={k.expiresAt ? fmt(k.expiresAt) : undefined}>{k.expiresAt ? dateOnly(k.expiresAt) : "Never"}</td>
                    <td className="px-3 py-2 text-right whitespace-nowrap">
                      {live && canEdit && (
                        <span className="inline-flex gap-2">
                          {/* a key already rolled is in its grace period: its replacement is the one to roll */}
                          {k.rolledToId === null && <button type="button" className={secondary} onClick={() => actions.open("roll", k)}>Roll</button>}
                          <button type="button" className={secondary} onClick={() => actions.open("revoke", k)}>Revoke</button>
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {pages > 1 && (
            <div className="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-sm">
              <span>Page {page + 1} of {pages} · {sorted.length} keys</span>
              <span className="flex gap-2">
                <button type="button" className={secondary} disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
                <button type="button" className={secondary} disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>Next</button>
              </span>
            </div>
          )}
        </div>
      )}

      <Dialog open={creating} onClose={close} locked={secret !== null} title={secret ? "Your new API key" : "Create an API key"}>
        {secret ? <NewKey secret={secret} onDone={close} /> : (
          <NewKeyForm workspaceId={workspaceId} canGrant={can(current.role, "admin")} pending={create.isPending} error={formError} onCancel={close} onCreate={onCreate} />
        )}
      </Dialog>

      {actions.dialogs}
    </section>
  );
}

/**
 * The new-key form: a name, live or test, an expiry within the plan's maximum lifetime, and (for
 * the workspace's admins) the permissions and roles it holds: ticking some makes a restricted key.
 */
function NewKeyForm({ workspaceId, canGrant, pending, error, onCancel, onCreate }: {
  workspaceId: string;
  canGrant: boolean;
  pending: boolean;
  error: string | null;
  onCancel: () => void;
  onCreate: (input: { name: string; environment: Environment; expiresInDays: number | null; grants: Grants | null }) => void;
}) {
  const trpc = useTRPC();
  const workspace = useQuery(trpc.workspaces.get.queryOptions({ workspaceId }));
  const catalogue = useQuery(trpc.keys.catalogue.queryOptions({ workspaceId }));
  const [grants, setGrants] = useState<Grants>({ permissions: [], roles: [] });
  const maxDays = workspace.data?.plan.maxKeyLifetimeDays ?? null;
  const choices: (readonly [number, string])[] = [...EXPIRY_CHOICES];
  if (maxDays !== null && !choices.some(([d]) => d === maxDays)) choices.push([maxDays, `In ${maxDays} days`]);
  choices.sort((a, b) => (a[0] === 0 ? -1 : b[0] === 0 ? 1 : a[0] - b[0]));
  const firstAllowed = maxDays === null ? 0 : Math.max(...choices.filter(([d]) => allowedExpiry(d, maxDays)).map(([d]) => d));
  const granted = grants.permissions.length + grants.roles.length;

  return (
    <form className="space-y-4" onSubmit={(e) => {
      e.preventDefault();
      const form = new FormData(e.currentTarget);
      const days = Number(form.get("expires"));
      onCreate({
        name: String(form.get("name") ?? ""),
        environment: form.get("environment") === "test" ? "test" : "live",
        expiresInDays: days > 0 ? days : null,
        grants: canGrant && granted > 0 ? grants : null,
      });
    }}>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Name</span>
        <input name="name" required maxLength={64} placeholder="e.g. Production server" className="w-full rounded-md border border-slate-300 px-3 py-2" />
      </label>
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">Environment</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {([["live", "Live", "For real traffic."], ["test", "Test", "Marked as test in every verification: your services can send it to a sandbox."]] as const).map(([value, label, hint]) => (
            <label key={value} className="flex items-start gap-2 rounded-md border border-slate-200 p-2 text-sm has-[:checked]:border-indigo-500">
              <input type="radio" name="environment" value={value} defaultChecked={value === "live"} className="mt-0.5" />
              <span className="font-medium">{label}<span className="block text-xs font-normal text-slate-600">{hint}</span></span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Expires</span>
        {/* (re-mounted once the plan is known, so the default is one the plan allows) */}
        <select key={String(maxDays)} name="expires" defaultValue={String(firstAllowed)} aria-describedby={maxDays !== null ? "expires-hint" : undefined} className="w-full rounded-md border border-slate-300 px-3 py-2">
          {choices.map(([days, label]) => <option key={days} value={days} disabled={!allowedExpiry(days, maxDays)}>{label}</option>)}
        </select>
        {maxDays !== null && <span id="expires-hint" className="mt-1 block text-xs text-slate-600">Keys on the {workspace.data?.plan.name} plan expire within {maxDays} days.</span>}
      </label>
      <div>
        <p className="mb-1 text-sm font-medium text-slate-700">Permissions</p>
        <p className="mb-2 text-xs text-slate-600">
          {canGrant
            ? "Tick what this key may do (a restricted key). Your services ask for permissions when they verify a key; a key holds only what is ticked here."
            : "Only the workspace's admins grant permissions: this key will hold none, and pass only requests that ask for none."}
        </p>
        {canGrant && (catalogue.isPending ? <div aria-busy="true" aria-label="Loading the permissions" className="h-16 animate-pulse rounded bg-slate-100" />
          : catalogue.isError ? <p role="alert" className="text-sm text-red-700">Could not load the permissions: {catalogue.error.message}</p>
          : <div className="max-h-64 overflow-y-auto pr-1"><PermissionPicker catalogue={catalogue.data} value={grants} onChange={setGrants} idPrefix="new" /></div>)}
      </div>
      <DialogFooter error={error} onCancel={onCancel}>
        <button type="submit" className={primary} disabled={pending}>{pending ? "Creating…" : granted > 0 ? "Create restricted key" : "Create key"}</button>
      </DialogFooter>
    </form>
  );
}
