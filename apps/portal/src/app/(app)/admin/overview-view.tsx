"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RangeTabs, UsageChart, type Range } from "~/components/usage";
import { card, scrollX } from "~/components/ui";
import { number as fmt } from "~/lib/format";
import { useTRPC } from "~/trpc/client";

type TopKey = { keyId: string; name: string; prefix: string; workspaceId: string; workspaceName: string; tier: string; requests: number; rateLimited: number };

function TopKeys({ title, caption, rows, empty, testId }: { title: string; caption: string; rows: TopKey[] | undefined; empty: string; testId: string }) {
  return (
    <section className={`${card} p-5`} data-testid={testId}>
      <h2 className="text-lg font-medium">{title}</h2>
      <p className="mb-3 text-sm text-slate-600">{caption}</p>
      {!rows ? (
        <div aria-busy="true" className="h-24 animate-pulse rounded bg-slate-100" />
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-500">{empty}</p>
      ) : (
        <div className={scrollX}>
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr><th className="py-1 pr-3 font-medium">Key and workspace</th><th className="py-1 pr-3 text-right font-medium">Requests</th><th className="py-1 text-right font-medium">Limited</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((k) => (
                <tr key={k.keyId}>
                  <td className="min-w-0 py-1.5 pr-3">
                    <span className="font-medium">{k.name}</span> <code className="text-xs text-slate-500">{k.prefix}</code>
                    <br />
                    <Link className="break-all text-indigo-700 hover:underline" href={`/admin/workspaces/${k.workspaceId}`}>{k.workspaceName}</Link>{" "}
                    <span className="text-xs capitalize text-slate-500">{k.tier}</span>
                  </td>
                  <td className="py-1.5 pr-3 text-right tabular-nums">{fmt.format(k.requests)}</td>
                  <td className="py-1.5 text-right tabular-nums">{fmt.format(k.rateLimited)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function AdminOverview() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("day");
  const overview = useQuery({ ...trpc.admin.overview.queryOptions({ range }), refetchInterval: 10_000, placeholderData: (p) => p });
  return (
    <section className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Platform overview</h1>
          <p className="text-sm text-slate-600">
            {overview.data ? "Updated every 10 seconds · " : ""}
            {overview.data ? `${fmt.format(overview.data.users)} users · ${fmt.format(overview.data.activeKeys)} active keys` : "Loading…"}
          </p>
        </div>
      </div>
      <RangeTabs range={range} onChange={setRange}>
        <UsageChart query={overview} range={range} />
      </RangeTabs>
      <div className="grid gap-6 lg:grid-cols-2">
        <TopKeys testId="busiest" title="Busiest keys" caption="Most requests in this range." rows={overview.data?.busiest} empty="No requests in this range yet." />
        <TopKeys testId="most-refused" title="Most rate-limited" caption="Keys that hit their limits most: candidates for a higher tier." rows={overview.data?.refused} empty="No key was rate-limited in this range." />
      </div>
    </section>
  );
}
