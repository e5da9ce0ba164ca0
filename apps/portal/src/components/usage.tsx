"use client";
// The usage chart, its range tabs and the quota bars: shared by the developer's Usage page and the
// admin console (the data comes from whichever tRPC query the page is allowed to call).
import { scrollX } from "~/components/ui";
import type { UseQueryResult } from "@tanstack/react-query";
import Link from "next/link";
import { Tabs } from "radix-ui";
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useDates } from "~/lib/dates";
import { number as num, type Dates } from "~/lib/format";
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
  { key: "unreported", label: "Allowed, no result reported", color: "#56B4E9" },
] as const;

/** Axis and grid in the theme's colours (CSS variables work in SVG attributes), not recharts' greys. */
const AXIS = { text: "var(--color-slate-600)", line: "var(--color-slate-300)", grid: "var(--color-slate-200)" };

/** How long one bar is, per range (the server's buckets: packages/server/src/usage.ts RANGES). */
const BUCKET: Record<Range, string> = { hour: "minute", day: "hour", month: "day", year: "month" };


interface Counts {
  allowed: number;
  rateLimited: number;
  successful: number;
  failed: number;
}
export type Series = { points: (Counts & { start: string })[]; totals: Counts };
export type Quota = RouterOutputs["usage"]["quota"];

/** A bar's axis label, in the viewer's zone. */
function label(iso: string, range: Range, { format }: Dates): string {
  if (range === "hour" || range === "day") return format(iso, { hour: "2-digit", minute: "2-digit" });
  if (range === "month") return format(iso, { month: "short", day: "numeric" });
  return format(iso, { month: "short", year: "numeric" });
}

/** The bucket a bar stands for, in full ("Dec 1, 2026, 2:05 PM – 2:06 PM"). */
function bucketTitle(iso: string, range: Range, { format }: Dates): string {
  if (range === "year") return format(iso, { month: "long", year: "numeric" });
  if (range === "month") return format(iso, { dateStyle: "medium" });
  const end = new Date(iso).getTime() + (range === "hour" ? 60_000 : 3_600_000);
  return `${format(iso, { dateStyle: "medium", timeStyle: "short" })} – ${format(end, { timeStyle: "short" })}`;
}

type Row = Counts & { start: string; label: string; unreported: number };

/** The bar's bucket, its total, and each part in the order the bars stack (top first), zeros left out. */
function ChartTooltip({ active, payload, range, dates }: { active?: boolean; payload?: readonly { payload?: unknown }[]; range: Range; dates: Dates }) {
  const row = payload?.[0]?.payload as Row | undefined;
  if (!active || !row) return null;
  const parts = [...SERIES].reverse().filter((s) => row[s.key] > 0);
  return (
    <div className="rounded-md border border-slate-200 bg-surface px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-slate-900">{bucketTitle(row.start, range, dates)}</p>
      <p className="text-slate-700">{num.format(row.allowed + row.rateLimited)} requests</p>
      {parts.length > 0 && (
        <ul className="mt-1 space-y-0.5">
          {parts.map((s) => (
            <li key={s.key} className="flex items-center gap-2 text-slate-700">
              <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
              {s.label}: <span className="tabular-nums">{num.format(row[s.key])}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The range tabs (Radix Tabs: arrow keys move between them, Home and End to the ends) and their
 * panel, the chart given as children, shown for the chosen range.
 */
export function RangeTabs({ range, onChange, children }: { range: Range; onChange: (r: Range) => void; children: ReactNode }) {
  return (
    <Tabs.Root value={range} onValueChange={(v) => onChange(v as Range)} className="space-y-3">
      <Tabs.List aria-label="Time range" className="inline-flex flex-wrap rounded-lg border border-slate-200 bg-surface p-1">
        {RANGES.map((r) => (
          <Tabs.Trigger key={r.value} value={r.value}
            className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 data-[state=active]:bg-indigo-600 data-[state=active]:text-white">
            {r.label}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      <Tabs.Content value={range} tabIndex={-1}>{children}</Tabs.Content>
    </Tabs.Root>
  );
}

/** Totals, a stacked bar chart (successful / failed / rate-limited) and the same numbers as a table. */
export function UsageChart({ query, range }: { query: UseQueryResult<Series, { message: string }>; range: Range }) {
  const dates = useDates();
  const rows = (query.data?.points ?? []).map((p) => ({
    ...p,
    label: label(p.start, range, dates),
    unreported: Math.max(0, p.allowed - p.successful - p.failed),
  }));
  const totals = query.data?.totals;
  const empty = totals !== undefined && totals.allowed + totals.rateLimited === 0;
  return (
    <div className="rounded-xl border border-slate-200 bg-surface p-5 shadow-sm">
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
      <p className="mb-2 text-xs text-slate-600" data-testid="chart-caption">
        Requests per {BUCKET[range]} · times in {dates.zoneLabel()} <Link href="/settings#time-zone" className="text-indigo-700 underline">change</Link>
      </p>
      {/* hidden from assistive technology: the table below holds the same numbers */}
      <div className="relative h-72" aria-hidden="true">
        {query.isPending ? (
          <div className="h-full animate-pulse rounded-md bg-slate-100" />
        ) : query.isError ? (
          <p role="alert" className="text-sm text-red-700">Could not load usage: {query.error.message}</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={AXIS.grid} />
              <XAxis dataKey="label" tick={{ fontSize: 11, fill: AXIS.text }} stroke={AXIS.line} interval="preserveStartEnd" minTickGap={24} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: AXIS.text }} stroke={AXIS.line} />
              <Tooltip cursor={{ fill: "rgba(148, 163, 184, 0.15)" }} content={(props) => <ChartTooltip active={props.active} payload={props.payload} range={range} dates={dates} />} />
              {/* legend words in the text colour (the series colours are too light for text) */}
              <Legend wrapperStyle={{ fontSize: 12 }} formatter={(value: string) => <span className="text-slate-700">{value}</span>} />
              {SERIES.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={s.label} stackId="requests" fill={s.color} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        )}
        {empty && (
          <p className="pointer-events-none absolute inset-0 grid place-items-center text-sm text-slate-500">No requests in this period.</p>
        )}
      </div>
      <p className="mt-1 text-xs text-slate-600">&ldquo;No result reported&rdquo;: allowed requests whose service has not told Keyway whether they succeeded.</p>
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
                <tr key={r.start}><th scope="row" className="whitespace-nowrap font-normal">{bucketTitle(r.start, range, dates)}</th>
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
export function QuotaBars({ query, title = "Quota right now", children }: { query: UseQueryResult<Quota, { message: string }>; title?: ReactNode; children?: ReactNode }) {
  const { dateTime } = useDates();
  if (query.isPending) return <div aria-busy="true" aria-label="Loading the quota" className="h-40 animate-pulse rounded-xl bg-slate-200" />;
  if (query.isError) return <p role="alert" className="text-sm text-red-700">Could not load the quota: {query.error.message}</p>;
  return (
    <section aria-labelledby="quota-heading" className="rounded-xl border border-slate-200 bg-surface p-5 shadow-sm">
      <h2 id="quota-heading" className="text-lg font-medium">{title}</h2>
      {children}
      <ul className="mt-4 space-y-4">
        {query.data.map((w) => {
          const share = Math.min(1, w.used / w.limit);
          const color = share >= 1 ? "bg-red-600" : share >= 0.8 ? "bg-amber-500" : "bg-indigo-600";
          return (
            <li key={w.window} data-testid={`quota-${w.window}`}>
              <div className="mb-1 flex flex-wrap justify-between gap-2 text-sm">
                <span>
                  <span className="font-medium capitalize">{w.window}</span>{" "}
                  <span className="text-xs text-slate-600">{w.scope === "key" ? "this key's own limit" : "workspace plan, all its keys"}</span>
                </span>
                <span className="text-slate-600">
                  {num.format(w.used)} of {num.format(w.limit)} used · {num.format(w.remaining)} left ·{" "}
                  {w.used === 0
                    ? "nothing used"
                    : w.window === "minute" || w.window === "hour"
                      ? `rolling ${w.window}: all free again by ${dateTime(new Date(w.resetAt))}`
                      : `resets ${dateTime(new Date(w.resetAt))}`}
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
