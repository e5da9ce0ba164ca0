"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/client";
import { CopyButton } from "~/components/dialog";
import { number as fmt } from "~/lib/format";
import { Invitations } from "~/components/invitations";
import { can, ROLE_LABEL, useWorkspace } from "~/components/workspace";

/** The three steps from a new account to a first counted request; hidden once all are done. */
function GetStarted() {
  const trpc = useTRPC();
  const { current } = useWorkspace();
  const keys = useQuery(trpc.keys.list.queryOptions({ workspaceId: current.id }, { refetchInterval: 10_000 }));
  if (!keys.data || !can(current.role, "developer")) return null;
  const hasKey = keys.data.some((k) => k.status === "active");
  const used = keys.data.some((k) => k.lastUsedAt !== null);
  if (hasKey && used) return null;
  const origin = typeof window === "undefined" ? "" : window.location.origin;
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
            <pre className="min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100"><code>{curl}</code></pre>
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
            <span aria-hidden className={`grid size-6 shrink-0 place-items-center rounded-full text-xs font-semibold ${step.done ? "bg-emerald-600 text-white" : "bg-white text-indigo-700 ring-1 ring-indigo-300"}`}>
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

export function HomeOverview() {
  const trpc = useTRPC();
  const { current } = useWorkspace();
  const me = useQuery(trpc.me.get.queryOptions());
  const workspace = useQuery(trpc.workspaces.get.queryOptions({ workspaceId: current.id }));

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
  const { plan, limits } = workspace.data;
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Welcome, {name ?? email}</h1>
        {!current.personal && <p className="text-sm text-slate-600">You are in <span className="font-medium">{current.name}</span> as {ROLE_LABEL[current.role].toLowerCase()}.</p>}
      </div>
      <Invitations />
      <GetStarted />
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-lg font-medium">
            {current.personal ? "Your plan" : "Plan"}: <span data-testid="tier-name" className="capitalize">{plan.name}</span>
          </h2>
          <p className="text-sm text-slate-600">{plan.description}</p>
        </div>
        <p className="mt-1 text-sm text-slate-600">
          For all the keys of the <span className="font-medium">{current.name}</span> workspace together: each request with any of them counts.
        </p>
        <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {(["minute", "hour", "day", "month"] as const).map((w) => (
            <div key={w} className="rounded-md bg-slate-50 p-3">
              <dt className="text-xs uppercase tracking-wide text-slate-500">per {w}</dt>
              <dd className="text-xl font-semibold tabular-nums">{fmt.format(limits[w])}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
