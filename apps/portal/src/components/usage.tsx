"use client";
// The usage chart, its range tabs and the quota bars: shared by the developer's Usage page and the
// admin console (the data comes from whichever tRPC query the page is allowed to call).
import { scrollX } from "~/components/ui";
import type { UseQueryResult } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { dateTime, number as num } from "~/lib/format";
import type { RouterOutputs } from "~/trpc/types";

export type Range = "hour" | "day" | "month" | "year";
export const RANGES: { value: Range; label: string }[] = [
  { value: "hour", label: "Last hour" },
  { value: "day", label: "24 hours" },
  { value: "month", label: "30 days" },
  { value: "year", label: "12 months" },
];
// Okabe-Ito colours: distinguishable with common colour-vision deficiencies.
const SERIES = [
  { key: "successful", label: "Successful", color: "#009E73" },
  { key: "failed", label: "Failed", color: "#D55E00" },
  { key: "rateLimited", label: "Rate-limited", color: "#E69F00" },
  { key: "unreported", label: "Allowed, outcome not reported", color: "#56B4E9" },
] as const;

interface Counts {
  allowed: number;
  rateLimited: number;
  successful: number;
  failed: number;
}
export type Series = { points: (Counts & { start: string })[]; totals: Counts };
export type Quota = RouterOutputs["usage"]["quota"];

function label(iso: string, range: Range): string {
  const d = new Date(iso);
  if (range === "hour" || range === "day") return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (range === "month") return d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return d.toLocaleDateString(undefined, { month: "short", year: "2-digit" });
}

export function RangeTabs({ range, onChange }: { range: Range; onChange: (r: Range) => void }) {
  return (
    <div role="tablist" aria-label="Time range" className="inline-flex flex-wrap rounded-lg border border-slate-200 bg-white p-1">
      {RANGES.map((r) => (
        <button key={r.value} role="tab" type="button" aria-selected={range === r.value} onClick={() => onChange(r.value)}
          className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 aria-selected:bg-indigo-600 aria-selected:text-white">
          {r.label}
        </button>
      ))}
    </div>
  );
}

/** Totals, a stacked bar chart (successful / failed / rate-limited) and the same numbers as a table. */
export function UsageChart({ query, range }: { query: UseQueryResult<Series, { message: string }>; range: Range }) {
  const rows = (query.data?.points ?? []).map((p) => ({
    ...p,
    label: label(p.start, range),
    unreported: Math.max(0, p.allowed - p.successful - p.failed),
  }));
  const totals = query.data?.totals;
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {[
          ["Requests", totals ? totals.allowed + totals.rateLimited : null],
          ["Successful", totals?.successful],
          ["Failed", totals?.failed],
          ["Rate-limited", totals?.rateLimited],
        ].map(([name, value]) => (
          <div key={name as string} className="rounded-md bg-slate-50 p-3">
            <dt className="text-xs uppercase tracking-wide text-slate-500">{name}</dt>
            <dd className="text-xl font-semibold tabular-nums" data-testid={`total-${String(name).toLowerCase()}`}>
              {value === null || value === undefined ? "—" : num.format(value as number)}
            </dd>
          </div>
        ))}
      </dl>
      <div className="h-72" aria-hidden="true">
        {query.isPending ? (
          <div className="h-full animate-pulse rounded-md bg-slate-100" />
        ) : query.isError ? (
          <p role="alert" className="text-sm text-red-700">Could not load usage: {query.error.message}</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={24} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {SERIES.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={s.label} stackId="requests" fill={s.color} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
      <details className="mt-4 text-sm">
        <summary className="cursor-pointer font-medium text-slate-700">Show the numbers as a table</summary>
        <div className={scrollX}>
          <table className="mt-2 w-full text-left [&_td]:px-2 [&_td]:py-1 [&_th]:whitespace-nowrap [&_th]:px-2 [&_th]:py-1">
            <caption className="sr-only">Requests per period</caption>
            <thead className="text-slate-600">
              <tr><th scope="col">Period</th>{SERIES.map((s) => <th key={s.key} scope="col">{s.label}</th>)}</tr>
            </thead>
            <tbody>
              {rows.filter((r) => r.allowed + r.rateLimited > 0).map((r) => (
                <tr key={r.start}><th scope="row" className="whitespace-nowrap font-normal">{new Date(r.start).toLocaleString()}</th>
                  {SERIES.map((s) => <td key={s.key} className="tabular-nums">{num.format(r[s.key])}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

/**
 * Used / limit per window as bars: amber from 80 %, red at the limit; resets in the viewer's time.
 * Each window shows the limit with less left: the workspace's plan (shared by its keys) or the
 * key's own.
 */
export function QuotaBars({ query }: { query: UseQueryResult<Quota, { message: string }> }) {
  if (query.isPending) return <div aria-busy="true" className="h-40 animate-pulse rounded-xl bg-slate-200" />;
  if (query.isError) return <p role="alert" className="text-sm text-red-700">Could not load the quota: {query.error.message}</p>;
  return (
    <section aria-labelledby="quota-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="quota-heading" className="mb-4 text-lg font-medium">Quota right now</h2>
      <ul className="space-y-4">
        {query.data.map((w) => {
          const share = Math.min(1, w.used / w.limit);
          const color = share >= 1 ? "bg-red-600" : share >= 0.8 ? "bg-amber-500" : "bg-indigo-600";
          return (
            <li key={w.window} data-testid={`quota-${w.window}`}>
              <div className="mb-1 flex flex-wrap justify-between gap-2 text-sm">
                <span>
                  <span className="font-medium capitalize">{w.window}</span>{" "}
                  <span className="text-xs text-slate-500">{w.scope === "key" ? "this key's own limit" : "workspace plan, all its keys"}</span>
                </span>
                <span className="text-slate-600">
                  {num.format(w.used)} of {num.format(w.limit)} used · {num.format(w.remaining)} left ·{" "}
                  {w.used === 0 ? "nothing to reset" : `resets ${dateTime(new Date(w.resetAt))}`}
                </span>
              </div>
              <div role="progressbar" aria-label={`${w.window} quota used`} aria-valuemin={0} aria-valuemax={w.limit} aria-valuenow={w.used}
                className="h-2.5 overflow-hidden rounded-full bg-slate-100">
                <div className={`h-full ${color}`} style={{ width: `${share * 100}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
