"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/client";
import { CopyButton } from "~/components/dialog";
import { useSyncExternalStore, type ReactNode } from "react";
import { ago, number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { QuotaBars } from "~/components/usage";
import { card } from "~/components/ui";
import { Tip } from "~/components/tip";
import type { RouterOutputs } from "~/trpc/types";
import { Invitations } from "~/components/invitations";
import { can, ROLE_LABEL, useWorkspace } from "~/components/workspace";
import { codeBlock } from "~/components/ui";

const never = () => () => {};
/** This portal's address for the sample request (unknown while the server renders). */
const useOrigin = () => useSyncExternalStore(never, () => window.location.origin, () => "");

/** The three steps from a new account to a first counted request; hidden once all are done. */
function GetStarted() {
  const trpc = useTRPC();
  const { current } = useWorkspace();
  const keys = useQuery(trpc.keys.list.queryOptions({ workspaceId: current.id }, { refetchInterval: 10_000 }));
  const origin = useOrigin();
  if (!keys.data || !can(current.role, "developer")) return null;
  const hasKey = keys.data.some((k) => k.status === "active");
  const used = keys.data.some((k) => k.lastUsedAt !== null);
  if (hasKey && used) return null;
  const curl = `curl ${origin}/api/v1/echo -H "Authorization: Bearer $KEYWAY_KEY"`;
  const steps = [
    { done: hasKey, title: "Create an API key", body: <>Name it after the app that will use it. You see the secret once, so keep it somewhere safe. <Link className="font-medium text-indigo-700 hover:underline" href="/keys">Go to API keys</Link></> },
    {
      done: used,
      title: "Send your first request",
      body: (
        <div className="space-y-2">
          <p>Put your key in <code className="rounded bg-slate-100 px-1">KEYWAY_KEY</code> and call the sample API:</p>
          <div className="flex flex-wrap items-start gap-2">
            <pre className={`min-w-0 flex-1 ${codeBlock}`}><code>{curl}</code></pre>
            <CopyButton text={curl} label="Copy curl" />
          </div>
        </div>
      ),
    },
    { done: false, title: "Watch it arrive", body: <>Requests show up on the <Link className="font-medium text-indigo-700 hover:underline" href="/usage">Usage</Link> page within seconds, with what is left of each limit.</> },
  ];
  return (
    <section aria-labelledby="get-started" className="rounded-lg border border-indigo-200 bg-indigo-50/50 p-5">
      <h2 id="get-started" className="text-lg font-medium">Get started</h2>
      <ol className="mt-3 space-y-4">
        {steps.map((step, i) => (
          <li key={step.title} className="flex gap-3" data-testid={`step-${i + 1}`} data-done={step.done}>
            <span aria-hidden className={`grid size-6 shrink-0 place-items-center rounded-full text-xs font-semibold ${step.done ? "bg-emerald-600 text-white" : "bg-surface text-indigo-700 ring-1 ring-indigo-300"}`}>
              {step.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0 flex-1 text-sm text-slate-700">
              <p className={`font-medium ${step.done ? "text-slate-500 line-through" : "text-slate-900"}`}>
                {step.title}
                {step.done && <span className="sr-only"> (done)</span>}
              </p>
              {!step.done && <div className="mt-1">{step.body}</div>}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A card of the dashboard: a heading, an optional link to the page with more, and its content. */
function Panel({ id, title, more, children }: { id: string; title: string; more?: { href: string; label: string }; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className={`${card} p-5`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="text-lg font-medium">{title}</h2>
        {more && <Link href={more.href} className="text-sm font-medium text-indigo-700 hover:underline">{more.label}</Link>}
      </div>
      {children}
    </section>
  );
}

/** The workspace's last 24 hours: requests, and how many failed or were refused. */
function Traffic({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const series = useQuery(trpc.usage.series.queryOptions({ workspaceId, range: "day" }, { refetchInterval: 10_000 }));
  const t = series.data?.totals;
  const requests = t ? t.allowed + t.rateLimited : 0;
  const refused = t ? t.failed + t.rateLimited : 0;
  return (
    <Panel id="traffic" title="Last 24 hours" more={{ href: "/usage", label: "Usage in detail" }}>
      {series.isError ? (
        <p role="alert" className="text-sm text-red-700">Could not load the traffic: {series.error.message}</p>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-busy={series.isPending}>
            {([["Requests", requests], ["Successful", t?.successful], ["Failed", t?.failed], ["Rate-limited", t?.rateLimited]] as const).map(([name, value]) => (
              <div key={name} className="rounded-md bg-slate-50 p-3">
                <dt className="text-xs uppercase tracking-wide text-slate-600">{name}</dt>
                <dd className="text-xl font-semibold tabular-nums" data-testid={`today-${name.toLowerCase()}`}>{t ? fmt.format(value ?? 0) : "—"}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-2 text-sm text-slate-600" data-testid="today-errors">
            {!t ? "\u00a0" : requests === 0 ? "No requests yet in the last 24 hours." : `${fmt.format(refused)} of ${fmt.format(requests)} requests failed or were rate-limited (${Math.round((refused / requests) * 100)} %).`}
          </p>
        </>
      )}
    </Panel>
  );
}

type Key = RouterOutputs["keys"]["list"][number];
const SOON = 30 * 86_400_000;

/** Active keys that expire within 30 days, soonest first: roll them before they stop. `now`: when the list was read. */
function ExpiringKeys({ keys, now }: { keys: Key[] | undefined; now: number }) {
  const { dateTime } = useDates();
  const soon = (keys ?? [])
    .filter((k) => k.status === "active" && k.expiresAt && new Date(k.expiresAt).getTime() > now && new Date(k.expiresAt).getTime() - now < SOON)
    .sort((a, b) => new Date(a.expiresAt!).getTime() - new Date(b.expiresAt!).getTime());
  return (
    <Panel id="expiring" title="Keys expiring soon" more={{ href: "/keys", label: "All keys" }}>
      {!keys ? <div aria-busy="true" aria-label="Loading keys" className="h-12 animate-pulse rounded bg-slate-100" />
        : soon.length === 0 ? <p className="text-sm text-slate-600">No key expires in the next 30 days.</p>
        : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="expiring-keys">
            {soon.map((k) => (
              <li key={k.id} className="flex flex-wrap items-baseline justify-between gap-x-3 py-2">
                <Link href={`/keys/${k.id}`} className="min-w-0 truncate font-medium text-indigo-700 hover:underline">{k.name}</Link>
                <span className="text-slate-600" title={dateTime(k.expiresAt)}>expires {ago(k.expiresAt!, now)}</span>
              </li>
            ))}
          </ul>
        )}
    </Panel>
  );
}

type Event = RouterOutputs["workspaces"]["activity"][number];

/** One event in words: "Pat created key “Production server”". */
function describe(e: Event): ReactNode {
  const key = e.key ? <Link href={`/keys/${e.key.id}`} className="font-medium text-indigo-700 hover:underline">{e.key.name ?? e.key.prefix}</Link> : "a key";
  const member = e.member ?? "a member";
  switch (e.action) {
    case "key.create": return <>created key {key}</>;
    case "key.rename": return <>renamed key {key}</>;
    case "key.roll": return <>rolled key {key}</>;
    case "key.revoke": return <>revoked key {key}</>;
    case "key.limits": return <>changed the limits of key {key}</>;
    case "key.metadata": return <>changed the metadata of key {key}</>;
    case "key.permissions": return <>changed the permissions of key {key}</>;
    case "key.allowlist": return <>changed the IP allowlist of key {key}</>;
    case "key.credits": return <>set the credits of key {key}</>;
    case "workspace.credits": return "set the workspace's credits";
    case "workspace.create": return "created the workspace";
    case "workspace.rename": return "renamed the workspace";
    case "workspace.tier": case "user.tier": return "changed the plan";
    case "workspace.limits": return "changed the plan's limits";
    case "workspace.member.role": return <>made {member} {e.role ? `a ${e.role}` : "another role"}</>;
    case "workspace.member.remove": return <>removed {member}</>;
    case "workspace.leave": return "left the workspace";
    case "invitation.create": case "invitation.renew": return <>invited {e.invitee ?? "someone"}{e.role ? ` as ${e.role}` : ""}</>;
    case "invitation.revoke": return <>withdrew an invitation{e.invitee ? ` to ${e.invitee}` : ""}</>;
    case "invitation.accept": return <>joined{e.role ? ` as ${e.role}` : ""}</>;
    case "invitation.decline": return "declined an invitation";
    default: return e.action;
  }
}

function Activity({ workspaceId }: { workspaceId: string }) {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const activity = useQuery(trpc.workspaces.activity.queryOptions({ workspaceId }, { refetchInterval: 30_000 }));
  return (
    <Panel id="activity" title="Recent activity">
      {activity.isPending ? <div aria-busy="true" aria-label="Loading activity" className="h-24 animate-pulse rounded bg-slate-100" />
        : activity.isError ? <p role="alert" className="text-sm text-red-700">Could not load the activity: {activity.error.message}</p>
        : activity.data.length === 0 ? <p className="text-sm text-slate-600">Nothing yet: keys made, rolled or revoked, and members joining, show here.</p>
        : (
          <ol className="divide-y divide-slate-100 text-sm" data-testid="activity">
            {activity.data.map((e) => (
              <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-x-3 py-2">
                <span className="min-w-0"><span className="font-medium">{e.actor}</span> {describe(e)}</span>
                <span className="whitespace-nowrap text-slate-600"><Tip tip={dateTime(e.at)}><time dateTime={new Date(e.at).toISOString()}>{ago(e.at)}</time></Tip></span>
              </li>
            ))}
          </ol>
        )}
    </Panel>
  );
}

/**
 * The workspace at a glance: the first steps while they are not done, the last 24 hours, what is
 * left of the plan in each window, keys about to expire and the latest events.
 */
export function HomeOverview() {
  const trpc = useTRPC();
  const { current } = useWorkspace();
  const workspaceId = current.id;
  const me = useQuery(trpc.me.get.queryOptions());
  const workspace = useQuery(trpc.workspaces.get.queryOptions({ workspaceId }));
  const quota = useQuery(trpc.usage.workspaceQuota.queryOptions({ workspaceId }, { refetchInterval: 10_000 }));
  const keys = useQuery(trpc.keys.list.queryOptions({ workspaceId }, { refetchInterval: 10_000 }));

  if (me.isPending || workspace.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading your account" className="space-y-3">
        <div className="h-8 w-64 animate-pulse rounded bg-slate-200" />
        <div className="h-28 animate-pulse rounded-lg bg-slate-200" />
      </div>
    );
  }
  if (me.isError || workspace.isError) {
    return (
      <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">
        Could not load your account: {(me.error ?? workspace.error)?.message}
      </p>
    );
  }
  const { name, email } = me.data;
  const { plan } = workspace.data;
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Welcome, {name ?? email}</h1>
        {!current.personal && <p className="text-sm text-slate-600">You are in <span className="font-medium">{current.name}</span> as {ROLE_LABEL[current.role].toLowerCase()}.</p>}
      </div>
      <Invitations />
      <GetStarted />
      <Traffic workspaceId={workspaceId} />
      <div className="grid gap-6 lg:grid-cols-2">
        <QuotaBars query={quota} title={<>{current.personal ? "Your plan" : "Plan"}: <span data-testid="tier-name" className="capitalize">{plan.name}</span></>}>
          <p className="mt-1 text-sm text-slate-600">
            {plan.description ? `${plan.description}. ` : ""}For all the keys of the <span className="font-medium">{current.name}</span> workspace together: each request with any of them counts.
          </p>
        </QuotaBars>
        <div className="space-y-6">
          <ExpiringKeys keys={keys.data} now={keys.dataUpdatedAt} />
          <Activity workspaceId={workspaceId} />
        </div>
      </div>
    </section>
  );
}
