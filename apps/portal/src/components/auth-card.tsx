import type { ReactNode } from "react";
import { ThemeSwitch } from "./theme-switch";

/** The centred card of the sign-in and sign-up pages. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-8">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-surface p-6 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid size-8 place-items-center rounded-md bg-indigo-600 text-white">K</span>
          <h1 className="text-xl font-semibold">{title}</h1>
        </div>
        {children}
      </div>
      <ThemeSwitch className="mt-4" />
    </main>
  );
}
