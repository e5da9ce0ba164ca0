"use client";
// The header's workspace menu: which workspace the portal shows, the others to switch to, and
// where to make a team.
import Link from "next/link";
import { Menu, MenuItem, MenuLabel, MenuRadioGroup, MenuSeparator } from "./menu";
import { ROLE_LABEL, useSwitchWorkspace, useWorkspace } from "./workspace";

export function WorkspaceSwitcher() {
  const { current, all } = useWorkspace();
  const switchTo = useSwitchWorkspace();
  return (
    <Menu label={`Workspace: ${current.name}. Switch workspace`} testId="workspace-switcher"
      button={<span className="max-w-[9rem] truncate sm:max-w-[12rem]">{current.name}</span>}>
      <MenuLabel>Workspaces</MenuLabel>
      <MenuRadioGroup label="Workspaces" value={current.id} onChange={(id) => id !== current.id && switchTo(id)}
        options={all.map((w) => ({ value: w.id, label: w.name, hint: w.personal ? "Personal" : ROLE_LABEL[w.role] }))} />
      <MenuSeparator />
      <MenuItem asChild className="font-medium text-indigo-700"><Link href="/workspaces/new">+ Create a team workspace</Link></MenuItem>
    </Menu>
  );
}
