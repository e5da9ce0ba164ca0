"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/client";

const fmt = new Intl.NumberFormat("en");

export function HomeOverview() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());

  if (me.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading your account" className="space-y-3">
        <div className="h-8 w-64 animate-pulse rounded bg-slate-200" />
        <div className="h-28 animate-pulse rounded-lg bg-slate-200" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">
        Could not load your account: {me.error.message}
      </p>
    );
  }
  const { name, email, tier } = me.data;
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold">Welcome, {name ?? email}</h1>
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-lg font-medium">
            Your plan: <span data-testid="tier-name" className="capitalize">{tier.name}</span>
          </h2>
          <p className="text-sm text-slate-600">{tier.description}</p>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {(["minute", "hour", "day", "month"] as const).map((w) => (
            <div key={w} className="rounded-md bg-slate-50 p-3">
              <dt className="text-xs uppercase tracking-wide text-slate-500">per {w}</dt>
              <dd className="text-xl font-semibold tabular-nums">{fmt.format(tier.limits[w])}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
