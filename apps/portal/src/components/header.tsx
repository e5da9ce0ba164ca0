"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { WorkspaceSwitcher } from "./workspace-switcher";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/keys", label: "API keys" },
  { href: "/usage", label: "Usage" },
  { href: "/workspace", label: "Members" },
];

export function Header({ email, role }: { email: string; role: string }) {
  const path = usePathname();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
        <div className="flex items-center gap-3 sm:gap-6">
          <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
            <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm text-white">K</span>
            <span className="sr-only sm:not-sr-only">Keyway</span>
          </Link>
          <WorkspaceSwitcher />
          <nav aria-label="Main" className="flex gap-1 text-sm">
            {[...NAV, ...(role === "admin" ? [{ href: "/admin", label: "Admin" }] : [])].map((item) => (
              <Link
                key={item.href}
                href={item.href}
                aria-current={path === item.href || (item.href === "/admin" && path.startsWith("/admin")) ? "page" : undefined}
                className="whitespace-nowrap rounded-md px-2 py-1.5 font-medium text-slate-600 sm:px-2.5 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:text-slate-900"
              >
                {item.label}
              </Link>
            ))}
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-slate-600 sm:inline" data-testid="viewer-email">{email}</span>
          <Link
            href="/settings"
            aria-current={path === "/settings" ? "page" : undefined}
            className="rounded-md px-2 py-1.5 font-medium text-slate-600 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:text-slate-900"
          >
            Settings
          </Link>
          {role === "admin" && <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">admin</span>}
          <button
            type="button"
            onClick={() => void signOut({ callbackUrl: "/sign-in" })}
            className="rounded-md border border-slate-300 px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100"
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
