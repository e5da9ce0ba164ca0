"use client";
// The header's workspace menu: which workspace the portal shows, the others to switch to, and
// where to make a team. A button and a list of links/buttons, opened and closed by keyboard too.
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { ROLE_LABEL, useSwitchWorkspace, useWorkspace } from "./workspace";

export function WorkspaceSwitcher() {
  const { current, all } = useWorkspace();
  const switchTo = useSwitchWorkspace();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button type="button" aria-expanded={open} aria-haspopup="true" aria-label={`Workspace: ${current.name}. Switch workspace`}
        data-testid="workspace-switcher" onClick={() => setOpen(!open)}
        className="flex max-w-[11rem] items-center gap-1.5 rounded-md border border-slate-300 px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 sm:max-w-[16rem]">
        <span className="truncate">{current.name}</span>
        <span aria-hidden className="text-slate-500">▾</span>
      </button>
      {open && (
        <div className="absolute left-0 z-20 mt-1 w-64 max-w-[calc(100vw-2rem)] rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
          <p className="px-2 pb-1 pt-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">Workspaces</p>
          <ul>
            {all.map((w) => (
              <li key={w.id}>
                <button type="button" aria-current={w.id === current.id ? "true" : undefined}
                  onClick={() => { setOpen(false); if (w.id !== current.id) switchTo(w.id); }}
                  className="flex w-full items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100 aria-[current=true]:bg-indigo-50">
                  <span className="min-w-0 truncate font-medium text-slate-900">{w.name}</span>
                  <span className="shrink-0 text-xs text-slate-500">{w.personal ? "Personal" : ROLE_LABEL[w.role]}{w.id === current.id ? " ✓" : ""}</span>
                </button>
              </li>
            ))}
          </ul>
          <div className="mt-1 border-t border-slate-100 pt-1">
            <Link href="/workspaces/new" onClick={() => setOpen(false)} className="block rounded-md px-2 py-1.5 text-sm font-medium text-indigo-700 hover:bg-slate-100">
              + Create a team workspace
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
