"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { card, input, scrollX } from "~/components/ui";
import { ago, number as fmt } from "~/lib/format";
import { useTRPC } from "~/trpc/client";
import { Pager, useSearch } from "../admin-lists";

export function UsersView() {
  const trpc = useTRPC();
  // search as you type, once typing pauses
  const { text, setText, q, page, setPage } = useSearch();
  const list = useQuery({ ...trpc.admin.users.list.queryOptions({ q: q || undefined, page }), placeholderData: (p) => p });
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Users</h1>
          <p className="text-sm text-slate-600">{list.data ? `${fmt.format(list.data.total)} ${q ? "matching" : "in all"}` : "Loading…"}</p>
        </div>
        <label className="text-sm">
          <span className="sr-only">Search users</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search by email or name" className={`${input} w-72 max-w-full`} />
        </label>
      </div>
      <div className={`${card} ${scrollX}`}>
        {list.isPending ? (
          <div aria-busy="true" aria-label="Loading users" className="m-4 h-40 animate-pulse rounded bg-slate-100" />
        ) : list.isError ? (
          <p role="alert" className="p-4 text-sm text-red-700">Could not load users: {list.error.message}</p>
        ) : list.data.users.length === 0 ? (
          <p className="p-6 text-center text-slate-600">No user matches “{q}”.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">Email</th><th className="px-3 py-2 font-medium">Name</th><th className="px-3 py-2 font-medium">Role</th>
                <th className="px-3 py-2 font-medium">Tier</th><th className="px-3 py-2 text-right font-medium">Active keys</th>
                <th className="px-3 py-2 text-right font-medium">Requests, 24 h</th><th className="px-3 py-2 font-medium">Last activity</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.data.users.map((u) => (
                <tr key={u.id} className={u.disabled ? "bg-slate-50 text-slate-500" : undefined}>
                  <td className="px-3 py-2"><Link className="font-medium text-indigo-700 hover:underline" href={`/admin/users/${u.id}`}>{u.email}</Link>
                    {u.disabled && <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">disabled</span>}</td>
                  <td className="px-3 py-2">{u.name ?? "—"}</td>
                  <td className="px-3 py-2">{u.role === "admin" ? <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-800">admin</span> : "developer"}</td>
                  <td className="px-3 py-2 capitalize">{u.tierName}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{u.activeKeys}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{fmt.format(u.requests24h)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{u.lastActiveAt ? ago(u.lastActiveAt) : "Never"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Pager page={page} pages={pages} onPage={setPage} />
    </section>
  );
}
