"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/workspaces", label: "Workspaces" },
  { href: "/admin/tiers", label: "Tiers" },
  { href: "/admin/permissions", label: "Permissions" },
  { href: "/admin/tokens", label: "Service tokens" },
  { href: "/admin/audit", label: "Audit log" },
];

export function AdminNav() {
  const path = usePathname();
  const current = (href: string) => (href === "/admin" ? path === href : path.startsWith(href));
  return (
    <nav aria-label="Admin" className="flex flex-wrap gap-1 border-b border-slate-200 text-sm">
      {TABS.map((t) => (
        <Link key={t.href} href={t.href} aria-current={current(t.href) ? "page" : undefined}
          className="-mb-px border-b-2 border-transparent px-3 py-2 font-medium text-slate-600 hover:text-slate-900 aria-[current=page]:border-indigo-600 aria-[current=page]:text-indigo-700">
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
