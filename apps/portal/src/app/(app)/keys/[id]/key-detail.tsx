"use client";
// One key's page: what it is, what it may do (its limits and the plan's), how it is used (quota,
// chart), why its latest requests were answered as they were, and its history.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { focusOnMount } from "~/components/dialog";
import { useKeyActions } from "~/components/key-actions";
import { StatusBadge, statusOf } from "~/components/key-status";
import { Tip } from "~/components/tip";
import { card, input, primary, scrollX, secondary } from "~/components/ui";
import { QuotaBars, RangeTabs, UsageChart, type Range } from "~/components/usage";
import { can, useWorkspace } from "~/components/workspace";
import { EnvironmentBadge, PermissionPicker, type Grants } from "~/components/key-policy";
import { ago, lastUsedAgo, number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import type { Dates } from "~/lib/format";
import { useTRPC } from "~/trpc/client";
import { errorText, fieldErrors } from "~/trpc/errors";
import { CreditsForm, REFILL_TEXT } from "~/components/credits-form";
import type { RouterOutputs } from "~/trpc/types";

type Key = RouterOutputs["keys"]["get"];
type Verification = RouterOutputs["keys"]["recent"][number];
const WINDOWS = ["minute", "hour", "day", "month"] as const;
/** Recent verifications listed before "Show all". */
const SHOWN = 20;

function Section({ id, title, note, children }: { id: string; title: string; note?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className={`${card} p-5`}>
      <h2 id={id} className="text-lg font-medium">{title}</h2>
      {note && <p className="mt-0.5 text-sm text-slate-600">{note}</p>}
      <div className="mt-3">{children}</div>
    </section>
  );
}

/** The name, as text or as a form with Save and Cancel (Escape cancels; leaving the field keeps what was typed). */
function Name({ k, workspaceId, editable }: { k: Key; workspaceId: string; editable: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const rename = useMutation(trpc.keys.rename.mutationOptions({
    onSuccess: async () => {
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: trpc.keys.get.queryKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
    },
  }));
  if (!editing) {
    return (
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="min-w-0 break-words text-2xl font-semibold">{k.name}</h1>
        <StatusBadge status={statusOf(k)} />
        <EnvironmentBadge environment={k.environment} />
        {editable && <button type="button" className={secondary} onClick={() => { rename.reset(); setEditing(true); }}>Rename</button>}
      </div>
    );
  }
  return (
    <form className="flex flex-wrap items-start gap-2" onSubmit={(e) => { e.preventDefault(); rename.mutate({ workspaceId, id: k.id, name: String(new FormData(e.currentTarget).get("name") ?? "") }); }}>
      <div className="min-w-0 flex-1 basis-64">
        <label htmlFor="key-name" className="sr-only">Key name</label>
        <input id="key-name" name="name" defaultValue={k.name} maxLength={64} required ref={focusOnMount} onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
          aria-invalid={rename.isError} aria-describedby={rename.isError ? "key-name-error" : undefined} className={`${input} w-full text-lg`} />
        {rename.isError && <p id="key-name-error" className="mt-1 text-sm text-red-700">{errorText(rename.error)}</p>}
      </div>
      <button type="submit" className={primary} disabled={rename.isPending}>{rename.isPending ? "Saving…" : "Save"}</button>
      <button type="button" className={secondary} onClick={() => setEditing(false)}>Cancel</button>
    </form>
  );
}

/** The key's metadata as name / value rows; developers edit it as JSON (Save, Cancel; errors beside the field). */
function Metadata({ k, workspaceId, editable, entries }: { k: Key; workspaceId: string; editable: boolean; entries: [string, unknown][] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation(trpc.keys.setMetadata.mutationOptions({
    onSuccess: async () => {
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: trpc.keys.get.queryKey() });
    },
  }));
  if (!editing) {
    return (
      <div className="space-y-3">
        {entries.length === 0 ? <p className="text-sm text-slate-600">None.</p> : (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="metadata">
            {entries.map(([name, value]) => (
              <div key={name} className="contents"><dt className="font-mono text-slate-600">{name}</dt><dd className="break-all font-mono">{JSON.stringify(value)}</dd></div>
            ))}
          </dl>
        )}
        {editable && <button type="button" className={secondary} onClick={() => { save.reset(); setInvalid(null); setEditing(true); }}>Edit metadata</button>}
      </div>
    );
  }
  const error = invalid ?? (save.isError ? (fieldErrors(save.error).metadata ?? errorText(save.error)) : null);
  return (
    <form className="space-y-2" onSubmit={(e) => {
      e.preventDefault();
      const text = String(new FormData(e.currentTarget).get("metadata") ?? "").trim() || "{}";
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        setInvalid(`Not valid JSON: ${(err as Error).message}`);
        return;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        setInvalid("Metadata is a JSON object, like {\"plan\": \"gold\"}.");
        return;
      }
      setInvalid(null);
      save.mutate({ workspaceId, id: k.id, metadata: value as Record<string, never> });
    }}>
      <label htmlFor="key-metadata" className="block text-sm font-medium text-slate-700">Metadata (JSON)</label>
      <textarea id="key-metadata" name="metadata" rows={6} defaultValue={JSON.stringify(k.metadata ?? {}, null, 2)} ref={focusOnMount}
        aria-invalid={Boolean(error)} aria-describedby={error ? "key-metadata-error" : undefined}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
        className={`${input} w-full font-mono text-xs`} />
      {error && <p id="key-metadata-error" role="alert" className="text-sm text-red-700">{error}</p>}
      <div className="flex gap-2">
        <button type="submit" className={primary} disabled={save.isPending}>{save.isPending ? "Saving…" : "Save metadata"}</button>
        <button type="button" className={secondary} onClick={() => setEditing(false)}>Cancel</button>
      </div>
    </form>
  );
}

/** Each window's limit in force: the key's own (if set) or the workspace's plan, whichever is lower. */
function Limits({ k, plan }: { k: Key; plan: Record<(typeof WINDOWS)[number], number> | undefined }) {
  const own = { minute: k.limitMinute, hour: k.limitHour, day: k.limitDay, month: k.limitMonth };
  return (
    <div className={scrollX}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Limits of this key, per window</caption>
        <thead className="text-slate-600">
          <tr><th scope="col" className="py-1 pr-3 font-medium">Window</th><th scope="col" className="py-1 pr-3 font-medium">This key&apos;s own</th><th scope="col" className="py-1 pr-3 font-medium">Workspace plan</th><th scope="col" className="py-1 font-medium">In force</th></tr>
        </thead>
        <tbody className="tabular-nums">
          {WINDOWS.map((w) => {
            const mine = own[w];
            const theirs = plan?.[w];
            const binding = mine !== null && (theirs === undefined || mine < theirs) ? mine : theirs;
            return (
              <tr key={w} className="border-t border-slate-100" data-testid={`limit-${w}`}>
                <th scope="row" className="py-1.5 pr-3 font-normal">{`Per ${w}`}</th>
                <td className="py-1.5 pr-3">{mine === null ? <span className="text-slate-600">none</span> : fmt.format(mine)}</td>
                <td className="py-1.5 pr-3">{theirs === undefined ? "—" : fmt.format(theirs)}</td>
                <td className="py-1.5 font-medium">{binding === undefined ? "—" : fmt.format(binding)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const CODE_TEXT: Record<string, string> = {
  VALID: "Allowed",
  RATE_LIMITED: "Rate-limited",
  USAGE_EXCEEDED: "Refused: out of credits",
  INSUFFICIENT_PERMISSIONS: "Refused: permissions",
  IP_NOT_ALLOWED: "Refused: address",
  REVOKED: "Refused: revoked",
  EXPIRED: "Refused: expired",
  DISABLED_USER: "Refused: owner disabled",
};

const WHY: Record<string, string> = {
  VALID: "within every limit",
  USAGE_EXCEEDED: "too few credits left for its cost",
  INSUFFICIENT_PERMISSIONS: "the request asked for a permission the key lacks",
  IP_NOT_ALLOWED: "the address is not on the key's allowlist",
  REVOKED: "the key was revoked",
  EXPIRED: "the key had expired",
  DISABLED_USER: "its creator's account is disabled",
};

function why(v: Verification): string {
  if (v.refusedBy) return `${v.refusedBy.scope === "key" ? "this key's own" : "the workspace plan's"} ${v.refusedBy.window} limit`;
  return WHY[v.code] ?? "";
}

/** Invalidates the key's page after a change. */
function useRefreshKey() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.keys.get.queryKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() }),
  ]);
}

/** What the key may do: its permissions, on their own and through roles. Workspace admins change them. */
function Permissions({ k, workspaceId, editable }: { k: Key; workspaceId: string; editable: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshKey();
  const current: Grants = { permissions: k.permissions.map((p) => p.permissionName), roles: k.roles.map((r) => r.roleName) };
  const [editing, setEditing] = useState<Grants | null>(null);
  const catalogue = useQuery(trpc.keys.catalogue.queryOptions({ workspaceId }));
  const save = useMutation(trpc.keys.setPermissions.mutationOptions({ onSuccess: async () => { setEditing(null); await refresh(); } }));
  const roleHolds = (name: string) => catalogue.data?.roles.find((r) => r.name === name)?.permissions ?? [];
  if (!editing) {
    const none = current.permissions.length === 0 && current.roles.length === 0;
    return (
      <div className="space-y-3 text-sm">
        {none ? <p className="text-slate-600">None: this key passes only requests that ask for no permission.</p> : (
          <ul className="space-y-1" data-testid="key-permissions">
            {current.roles.map((r) => (
              <li key={`r-${r}`}><span className="font-medium">Role {r}</span>{catalogue.data && <span className="text-slate-600">: {roleHolds(r).join(", ") || "no permission yet"}</span>}</li>
            ))}
            {current.permissions.map((name) => (
              <li key={name}><code className="font-mono text-xs">{name}</code>{catalogue.data && <span className="text-slate-600"> {catalogue.data.permissions.find((p) => p.name === name)?.description}</span>}</li>
            ))}
          </ul>
        )}
        {editable && <button type="button" className={secondary} onClick={() => { save.reset(); setEditing(current); }}>Edit permissions</button>}
      </div>
    );
  }
  return (
    <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); save.mutate({ workspaceId, id: k.id, ...editing }); }}>
      {catalogue.isPending ? <div aria-busy="true" aria-label="Loading the permissions" className="h-16 animate-pulse rounded bg-slate-100" />
        : catalogue.isError ? <p role="alert" className="text-sm text-red-700">Could not load the permissions: {catalogue.error.message}</p>
        : <PermissionPicker catalogue={catalogue.data} value={editing} onChange={setEditing} idPrefix="edit" />}
      {save.isError && <p role="alert" className="text-sm text-red-700">{errorText(save.error)}</p>}
      <div className="flex gap-2">
        <button type="submit" className={primary} disabled={save.isPending}>{save.isPending ? "Saving…" : "Save permissions"}</button>
        <button type="button" className={secondary} onClick={() => setEditing(null)}>Cancel</button>
      </div>
    </form>
  );
}

/** Where the key may be used from: addresses and CIDR ranges, one per line. */
function Allowlist({ k, workspaceId, editable }: { k: Key; workspaceId: string; editable: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshKey();
  const [editing, setEditing] = useState(false);
  const save = useMutation(trpc.keys.setAllowlist.mutationOptions({ onSuccess: async () => { setEditing(false); await refresh(); } }));
  if (!editing) {
    return (
      <div className="space-y-3 text-sm">
        {k.ipAllowlist.length === 0 ? <p className="text-slate-600">Any address.</p> : (
          <ul className="flex flex-wrap gap-1.5" data-testid="key-allowlist">
            {k.ipAllowlist.map((entry) => <li key={entry}><code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{entry}</code></li>)}
          </ul>
        )}
        {editable && <button type="button" className={secondary} onClick={() => { save.reset(); setEditing(true); }}>Edit allowlist</button>}
      </div>
    );
  }
  const fields = save.isError ? fieldErrors(save.error) : {};
  const error = save.isError ? (Object.entries(fields).find(([f]) => f.startsWith("ipAllowlist"))?.[1] ?? errorText(save.error)) : null;
  return (
    <form className="space-y-2" onSubmit={(e) => {
      e.preventDefault();
      const lines = String(new FormData(e.currentTarget).get("allowlist") ?? "").split(/[\s,]+/).map((l) => l.trim()).filter(Boolean);
      save.mutate({ workspaceId, id: k.id, ipAllowlist: lines });
    }}>
      <label htmlFor="key-allowlist" className="block text-sm font-medium text-slate-700">Addresses and ranges, one per line</label>
      <textarea id="key-allowlist" name="allowlist" rows={4} defaultValue={k.ipAllowlist.join("\n")} ref={focusOnMount} placeholder={"203.0.113.0/24\n2001:db8::/32"}
        aria-invalid={Boolean(error)} aria-describedby={`key-allowlist-hint${error ? " key-allowlist-error" : ""}`}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)} className={`${input} w-full font-mono text-xs`} />
      <p id="key-allowlist-hint" className="text-xs text-slate-600">IPv4 or IPv6, single addresses or CIDR ranges. Leave it empty to allow any address. Requests from elsewhere get 403 IP_NOT_ALLOWED.</p>
      {error && <p id="key-allowlist-error" role="alert" className="text-sm text-red-700">{error}</p>}
      <div className="flex gap-2">
        <button type="submit" className={primary} disabled={save.isPending}>{save.isPending ? "Saving…" : "Save allowlist"}</button>
        <button type="button" className={secondary} onClick={() => setEditing(false)}>Cancel</button>
      </div>
    </form>
  );
}

/** The key's credit balance: what is left now, its refill; workspace admins set both. */
function Credits({ k, workspaceId, editable }: { k: Key; workspaceId: string; editable: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshKey();
  const [editing, setEditing] = useState(false);
  const save = useMutation(trpc.keys.setCredits.mutationOptions({ onSuccess: async () => { setEditing(false); await refresh(); } }));
  const refill = k.creditsRefill && k.creditsRefillAmount !== null ? { amount: k.creditsRefillAmount, interval: k.creditsRefill } : null;
  if (!editing) {
    return (
      <div className="space-y-3 text-sm">
        {k.creditsRemaining === null ? <p className="text-slate-600">No balance: only the limits apply.</p> : (
          <p data-testid="key-credits">
            <span className="text-2xl font-semibold tabular-nums">{fmt.format(k.creditsNow ?? k.creditsRemaining)}</span> credits left
            <span className="block text-slate-600">{refill ? `Topped up to ${fmt.format(refill.amount)} ${REFILL_TEXT[refill.interval]}.` : "No refill."} Each request takes its cost; at zero the answer is 429 USAGE_EXCEEDED.</span>
          </p>
        )}
        {editable && (
          <div className="flex flex-wrap gap-2">
            <button type="button" className={secondary} onClick={() => { save.reset(); setEditing(true); }}>{k.creditsRemaining === null ? "Set a balance" : "Change balance"}</button>
            {k.creditsRemaining !== null && <button type="button" className={secondary} disabled={save.isPending} onClick={() => save.mutate({ workspaceId, id: k.id, credits: null })}>Remove balance</button>}
          </div>
        )}
      </div>
    );
  }
  return (
    <CreditsForm idPrefix="credits" remaining={k.creditsNow ?? k.creditsRemaining} refill={refill} pending={save.isPending} error={save.error}
      onSave={(credits) => save.mutate({ workspaceId, id: k.id, credits })} onCancel={() => setEditing(false)} />
  );
}

function RecentVerifications({ workspaceId, keyId }: { workspaceId: string; keyId: string }) {
  const { preciseTime } = useDates();
  const trpc = useTRPC();
  const recent = useQuery(trpc.keys.recent.queryOptions({ workspaceId, id: keyId }, { refetchInterval: 5_000 }));
  const [all, setAll] = useState(false);
  const refused = (recent.data ?? []).filter((v) => v.code !== "VALID").length;
  const shown = all ? recent.data ?? [] : (recent.data ?? []).slice(0, SHOWN);
  return (
    <Section id="recent" title="Recent verifications"
      note={recent.data && recent.data.length > 0 ? `The last ${fmt.format(recent.data.length)}, newest first: ${fmt.format(refused)} refused. Updated every 5 seconds.` : undefined}>
      {recent.isPending ? <div aria-busy="true" aria-label="Loading recent verifications" className="h-24 animate-pulse rounded bg-slate-100" />
        : recent.isError ? <p role="alert" className="text-sm text-red-700">Could not load the recent verifications: {recent.error.message}</p>
        : recent.data.length === 0 ? <p className="text-sm text-slate-600">No request with this key yet. Each one shows here within seconds: when, the answer, and why.</p>
        : (
          <div>
            {/* no sideways scroll on a phone: there, why and the address go under the answer */}
            <table className="w-full text-left text-sm" data-testid="recent-verifications">
              <thead className="text-slate-600">
                <tr>
                  <th scope="col" className="py-1 pr-3 font-medium">Time</th><th scope="col" className="py-1 pr-3 font-medium">Answer</th>
                  <th scope="col" className="hidden py-1 pr-3 font-medium sm:table-cell">Why</th><th scope="col" className="hidden py-1 font-medium sm:table-cell">Client address</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((v, i) => (
                  <tr key={`${new Date(v.at).getTime()}-${i}`} className="border-t border-slate-100">
                    <td className="py-1.5 pr-3 tabular-nums" title={ago(v.at)}>{preciseTime(v.at)}</td>
                    <td className="py-1.5 pr-3">
                      <span className={v.code === "VALID" ? "text-emerald-800" : "font-medium text-red-700"}>{CODE_TEXT[v.code] ?? v.code}</span>
                      <code className="block break-all text-xs text-slate-600">{v.code}</code>
                      <span className="block text-xs text-slate-700 sm:hidden">{why(v)}{v.ip ? <> · from <span className="break-all font-mono">{v.ip}</span></> : ""}</span>
                    </td>
                    <td className="hidden py-1.5 pr-3 text-slate-700 sm:table-cell">{why(v)}</td>
                    <td className="hidden break-all py-1.5 font-mono text-xs sm:table-cell">{v.ip ?? <span className="font-sans text-slate-600">not given</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {recent.data.length > SHOWN && (
              <button type="button" className={`${secondary} mt-3`} onClick={() => setAll(!all)}>
                {all ? `Show the latest ${SHOWN}` : `Show all ${fmt.format(recent.data.length)}`}
              </button>
            )}
          </div>
        )}
    </Section>
  );
}

type Event = Key["events"][number];
const field = (v: unknown, name: string) => (v && typeof v === "object" && name in v ? (v as Record<string, unknown>)[name] : undefined);

function describe(e: Event, keyId: string, dateTime: Dates["dateTime"]): ReactNode {
  switch (e.action) {
    case "key.create": return <>created the key{field(e.after, "expiresAt") ? `, expiring ${dateTime(String(field(e.after, "expiresAt")))}` : ""}</>;
    case "key.rename": return <>renamed it from “{String(field(e.before, "name") ?? "")}” to “{String(field(e.after, "name") ?? "")}”</>;
    case "key.revoke": return "revoked it";
    case "key.limits": return "changed its own limits";
    case "key.metadata": return "changed its metadata";
    case "key.permissions": return "changed its permissions";
    case "key.allowlist": return "changed its IP allowlist";
    case "key.credits": return "set its credits";
    case "key.roll": {
      const next = String(field(e.after, "newKeyId") ?? "");
      const stops = field(e.after, "oldKeyStopsAt");
      return next === keyId
        ? <>made this key by rolling the previous one</>
        : <>rolled it: <Link href={`/keys/${next}`} className="font-medium text-indigo-700 hover:underline">the new key</Link> replaces it{stops ? `; this one stops ${dateTime(String(stops))}` : ""}</>;
    }
    default: return e.action;
  }
}

export function KeyDetail({ id }: { id: string }) {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const router = useRouter();
  const { current } = useWorkspace();
  const workspaceId = current.id;
  const [range, setRange] = useState<Range>("day");
  const key = useQuery(trpc.keys.get.queryOptions({ workspaceId, id }, { refetchInterval: 10_000, retry: false }));
  const workspace = useQuery(trpc.workspaces.get.queryOptions({ workspaceId }));
  const quota = useQuery(trpc.usage.quota.queryOptions({ workspaceId, keyId: id }, { refetchInterval: 5_000, enabled: key.isSuccess }));
  const series = useQuery({ ...trpc.usage.series.queryOptions({ workspaceId, range, keyId: id }), refetchInterval: 5_000, placeholderData: (p) => p, enabled: key.isSuccess });
  const actions = useKeyActions(workspaceId, { onRolled: (next) => router.push(`/keys/${next}`) });

  if (key.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the key" className="space-y-3">
        <div className="h-8 w-72 animate-pulse rounded bg-slate-200" />
        <div className="h-40 animate-pulse rounded-xl bg-slate-200" />
      </div>
    );
  }
  if (key.isError) {
    return (
      <div className="space-y-3">
        <Link href="/keys" className="text-sm font-medium text-indigo-700 hover:underline">← API keys</Link>
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">
          {key.error.data?.code === "NOT_FOUND" ? `There is no such key in ${current.name}.` : `Could not load the key: ${key.error.message}`}
        </p>
      </div>
    );
  }
  const k = key.data;
  const status = statusOf(k);
  const live = status === "active" || status === "expiring";
  const canEdit = can(current.role, "developer");
  // permissions, the allowlist and credits are the workspace admins' (the server checks again)
  const canAdmin = can(current.role, "admin");
  const metadata = Object.entries((k.metadata ?? {}) as Record<string, unknown>);
  return (
    <section className="space-y-6">
      <div className="space-y-2">
        <Link href="/keys" className="text-sm font-medium text-indigo-700 hover:underline">← API keys</Link>
        <Name k={k} workspaceId={workspaceId} editable={canEdit && k.status === "active"} />
        <p className="font-mono text-sm text-slate-700 break-all">{k.prefix}_…</p>
        {live && canEdit && (
          <div className="flex flex-wrap gap-2">
            {k.rolledToId === null && <button type="button" className={secondary} onClick={() => actions.open("roll", k)}>Roll</button>}
            <button type="button" className={secondary} onClick={() => actions.open("revoke", k)}>Revoke</button>
          </div>
        )}
        {k.rolledToId && (
          <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            This key was rolled: <Link href={`/keys/${k.rolledToId}`} className="font-medium underline">its replacement</Link> is the one to use{k.expiresAt ? ` (this one stops ${dateTime(k.expiresAt)})` : ""}.
          </p>
        )}
      </div>

      {k.revokedAt && <p role="note" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">Revoked {dateTime(k.revokedAt)}: every request with it gets 401 REVOKED.</p>}
      <dl className={`${card} grid gap-4 p-5 text-sm sm:grid-cols-2 lg:grid-cols-4`}>
        {[
          ["Created", <span key="c">{dateTime(k.createdAt)}{k.user ? ` by ${k.user.name ?? k.user.email}` : ""}</span>],
          ["Last used", <span key="l" data-testid="key-last-used">{k.lastUsedAt ? <Tip tip={`In the minute from ${dateTime(k.lastUsedAt)}`}>{lastUsedAgo(k.lastUsedAt)}</Tip> : "Never"}</span>],
          ["Expires", k.expiresAt ? <span key="e">{dateTime(k.expiresAt)} ({ago(k.expiresAt)})</span> : "Never"],
          ["Environment", k.environment === "test" ? "Test" : "Live"],
        ].map(([name, value]) => (
          <div key={name as string}>
            <dt className="text-xs uppercase tracking-wide text-slate-600">{name}</dt>
            <dd className="mt-0.5">{value}</dd>
          </div>
        ))}
      </dl>

      <div className="grid gap-6 lg:grid-cols-2">
        <Section id="limits" title="Limits" note={<>The lower of this key&apos;s own limit and the <span className="capitalize">{workspace.data?.plan.name ?? ""}</span> plan of {current.name} (shared by all its keys).</>}>
          <Limits k={k} plan={workspace.data?.limits} />
        </Section>
        {k.status === "active" ? <QuotaBars query={quota} /> : (
          <Section id="quota" title="Quota right now"><p className="text-sm text-slate-600">A revoked key uses no quota.</p></Section>
        )}
      </div>

      <div className="space-y-3">
        <h2 className="text-lg font-medium">Usage</h2>
        <RangeTabs range={range} onChange={setRange}>
          <UsageChart query={series} range={range} />
        </RangeTabs>
      </div>

      <RecentVerifications workspaceId={workspaceId} keyId={k.id} />

      <div className="grid gap-6 lg:grid-cols-3">
        <Section id="permissions" title="Permissions" note="What this key may do: your services name the permissions a request needs when they verify it.">
          <Permissions k={k} workspaceId={workspaceId} editable={canAdmin && k.status === "active"} />
        </Section>
        <Section id="allowlist" title="IP allowlist" note="The addresses this key may be used from.">
          <Allowlist k={k} workspaceId={workspaceId} editable={canAdmin && k.status === "active"} />
        </Section>
        <Section id="credits" title="Credits" note="A balance each request's cost is taken from.">
          <Credits k={k} workspaceId={workspaceId} editable={canAdmin && k.status === "active"} />
        </Section>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Section id="metadata" title="Metadata" note="A JSON object of at most 4 KiB, returned with every verification of this key.">
          <Metadata k={k} workspaceId={workspaceId} editable={canEdit && k.status === "active"} entries={metadata} />
        </Section>
        <Section id="events" title="History">
          <ol className="space-y-2 text-sm" data-testid="key-events">
            {k.events.map((e) => (
              <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-x-3">
                <span className="min-w-0"><span className="font-medium">{e.actor}</span> {describe(e, k.id, dateTime)}</span>
                <time dateTime={new Date(e.at).toISOString()} title={ago(e.at)} className="whitespace-nowrap text-slate-600">{dateTime(e.at)}</time>
              </li>
            ))}
          </ol>
        </Section>
      </div>
      {actions.dialogs}
    </section>
  );
}
