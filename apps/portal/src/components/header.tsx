"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { Menu, MenuItem, MenuLabel, MenuRadioGroup, MenuSeparator } from "./menu";
import { THEME_LABEL, useTheme } from "./theme-switch";
import { THEMES, themeFrom } from "~/lib/theme";
import { WorkspaceSwitcher } from "./workspace-switcher";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/keys", label: "API keys" },
  { href: "/usage", label: "Usage" },
  { href: "/workspace", label: "Members" },
];

export function Header({ email, role }: { email: string; role: string }) {
  const path = usePathname();
  const [theme, setTheme] = useTheme();
  return (
    <header className="border-b border-slate-200 bg-surface">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm text-white">K</span>
          <span className="sr-only sm:not-sr-only">Keyway</span>
        </Link>
        <WorkspaceSwitcher />
        {/* its own scrolling row on a phone, between the switcher and the account menu from md up */}
        <nav aria-label="Main" className="order-last -mx-1 flex w-full gap-1 overflow-x-auto px-1 text-sm md:order-none md:mx-0 md:w-auto md:flex-1 md:px-0">
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
        <div className="ml-auto md:ml-0">
        {/* named by its own text ("Account: <email>"; the email visible from sm up), the initial drawn by CSS */}
        <Menu align="end" testId="account-menu"
          button={<>
            <span aria-hidden data-initial={email[0]} className="grid size-5 place-items-center rounded-full bg-slate-200 text-xs uppercase text-slate-700 before:content-[attr(data-initial)]" />
            <span className="sr-only">Account: </span>
            <span className="max-w-[10rem] truncate max-sm:sr-only" data-testid="viewer-email">{email}</span>
          </>}>
          <MenuLabel>Signed in as {email}</MenuLabel>
          <MenuItem asChild><Link href="/settings" aria-current={path === "/settings" ? "page" : undefined}>Settings</Link></MenuItem>
          <MenuItem onSelect={() => void signOut({ callbackUrl: "/sign-in" })}>Sign out</MenuItem>
          <MenuSeparator />
          <MenuLabel>Theme</MenuLabel>
          <MenuRadioGroup label="Theme" value={theme ?? "system"} onChange={(t) => setTheme(themeFrom(t))}
            options={THEMES.map((t) => ({ value: t, label: THEME_LABEL[t] }))} />
        </Menu>
        </div>
      </div>
    </header>
  );
}
