"use client";
// The header's workspace menu: which workspace the portal shows, the others to switch to, and
// where to make a team.
import Link from "next/link";
import { Menu, menuItem } from "./menu";
import { ROLE_LABEL, useSwitchWorkspace, useWorkspace } from "./workspace";

export function WorkspaceSwitcher() {
  const { current, all } = useWorkspace();
  const switchTo = useSwitchWorkspace();
  return (
    <Menu label={`Workspace: ${current.name}. Switch workspace`} testId="workspace-switcher"
      button={<span className="max-w-[9rem] truncate sm:max-w-[12rem]">{current.name}</span>}>
      {(close) => (
        <>
          <p className="px-2 pb-1 pt-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">Workspaces</p>
          <ul>
            {all.map((w) => (
              <li key={w.id}>
                <button type="button" aria-current={w.id === current.id ? "true" : undefined} className={`${menuItem} aria-[current=true]:bg-indigo-50`}
                  onClick={() => { close(); if (w.id !== current.id) switchTo(w.id); }}>
                  <span className="min-w-0 truncate font-medium text-slate-900">{w.name}</span>
                  <span className="shrink-0 text-xs text-slate-500">{w.personal ? "Personal" : ROLE_LABEL[w.role]}{w.id === current.id ? " ✓" : ""}</span>
                </button>
              </li>
            ))}
          </ul>
          <div className="mt-1 border-t border-slate-100 pt-1">
            <Link href="/workspaces/new" onClick={close} className={`${menuItem} font-medium text-indigo-700`}>+ Create a team workspace</Link>
          </div>
        </>
      )}
    </Menu>
  );
}
