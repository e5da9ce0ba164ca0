"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QuotaBars, RangeTabs, UsageChart, type Range } from "~/components/usage";
import { useTRPC } from "~/trpc/client";
import { useWorkspace } from "~/components/workspace";

function KeyQuota({ workspaceId, keyId }: { workspaceId: string; keyId: string }) {
  const trpc = useTRPC();
  return <QuotaBars query={useQuery({ ...trpc.usage.quota.queryOptions({ workspaceId, keyId }), refetchInterval: 5_000 })} />;
}

export function UsageView() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("hour");
  const { current } = useWorkspace();
  const workspaceId = current.id;
  const [keyId, setKeyId] = useState<string>("");
  const [environment, setEnvironment] = useState<"" | "live" | "test">("");
  const keys = useQuery(trpc.keys.list.queryOptions({ workspaceId }));
  const hasTestKeys = (keys.data ?? []).some((k) => k.environment === "test");
  const series = useQuery({
    ...trpc.usage.series.queryOptions({ workspaceId, range, keyId: keyId || undefined, environment: (!keyId && environment) || undefined }),
    refetchInterval: 5_000, // requests show up within seconds, without a reload
    placeholderData: (previous) => previous,
  });

  return (
    <section className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Usage</h1>
          <p className="text-sm text-slate-600">Requests made with the keys of {current.personal ? "your workspace" : current.name}, and how much of each limit is left.</p>
        </div>
        <div className="flex w-full min-w-0 flex-col gap-3 sm:w-auto sm:flex-row sm:items-center">
        {hasTestKeys && !keyId && (
          <label className="flex min-w-0 flex-col gap-1 text-sm sm:flex-row sm:items-center sm:gap-2">
            <span className="font-medium text-slate-700">Environment</span>
            <select value={environment} onChange={(e) => setEnvironment(e.target.value as typeof environment)} className="rounded-md border border-slate-300 bg-surface px-3 py-1.5">
              <option value="">Live and test</option>
              <option value="live">Live only</option>
              <option value="test">Test only</option>
            </select>
          </label>
        )}
        <label className="flex w-full min-w-0 flex-col gap-1 text-sm sm:w-auto sm:flex-row sm:items-center sm:gap-2">
          <span className="font-medium text-slate-700">Key</span>
          {/* a long key name must not widen a phone's page: the select shrinks and cuts it */}
          <select value={keyId} onChange={(e) => setKeyId(e.target.value)} className="w-full min-w-0 rounded-md border border-slate-300 bg-surface px-3 py-1.5 sm:w-72">
            <option value="">All keys</option>
            {(keys.data ?? []).map((k) => (
              <option key={k.id} value={k.id}>{k.name} ({k.prefix}){k.environment === "test" ? " · test" : ""}</option>
            ))}
          </select>
        </label>
        </div>
      </div>
      <RangeTabs range={range} onChange={setRange}>
        <UsageChart query={series} range={range} />
      </RangeTabs>
      {keyId ? <KeyQuota workspaceId={workspaceId} keyId={keyId} /> : (
        <p className="text-sm text-slate-600">Pick a key above to see how much of its minute, hour, day and month quota is left.</p>
      )}
    </section>
  );
}
