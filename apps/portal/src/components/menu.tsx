"use client";
// The header's menus (workspace, account) on Radix's DropdownMenu: a menu button, arrow keys and
// typeahead between items, Escape back to the button, focus kept inside while open.
import { DropdownMenu } from "radix-ui";
import type { ReactNode } from "react";

export function Menu({ label, button, align = "start", testId, children }: {
  /** The button's accessible name, when its content does not say it. */
  label?: string;
  button: ReactNode;
  align?: "start" | "end";
  testId?: string;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger aria-label={label} data-testid={testId}
        className="flex items-center gap-1.5 rounded-md border border-slate-300 px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 data-[state=open]:bg-slate-100">
        {button}
        <span aria-hidden className="text-slate-500">▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align={align} sideOffset={4} collisionPadding={8}
          className="z-30 w-64 max-w-[calc(100vw-1rem)] rounded-lg border border-slate-200 bg-surface p-1 text-slate-900 shadow-lg">
          {children}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** One entry's look: highlighted while the keyboard or the pointer is on it. */
const item = "flex w-full cursor-pointer items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm outline-none data-[highlighted]:bg-slate-100";

/** An action (onSelect), or a link when given one element as `asChild`. */
export function MenuItem({ children, onSelect, asChild, className = "" }: { children: ReactNode; onSelect?: () => void; asChild?: boolean; className?: string }) {
  return <DropdownMenu.Item asChild={asChild} onSelect={onSelect} className={`${item} ${className}`}>{children}</DropdownMenu.Item>;
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <DropdownMenu.Label className="truncate px-2 pb-1 pt-1.5 text-xs text-slate-600">{children}</DropdownMenu.Label>;
}

export const MenuSeparator = () => <DropdownMenu.Separator className="my-1 h-px bg-slate-100" />;

/** One choice among several (a workspace, a theme): checked, with a tick. */
export function MenuRadioGroup({ label, value, onChange, options }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: ReactNode; hint?: ReactNode }[];
}) {
  return (
    <DropdownMenu.RadioGroup value={value} onValueChange={onChange} aria-label={label}>
      {options.map((o) => (
        <DropdownMenu.RadioItem key={o.value} value={o.value} className={`${item} data-[state=checked]:bg-indigo-50`}>
          <span className="min-w-0 truncate font-medium">{o.label}</span>
          <span className="flex shrink-0 items-center gap-1 text-xs text-slate-600">
            {o.hint}
            <DropdownMenu.ItemIndicator aria-hidden>✓</DropdownMenu.ItemIndicator>
          </span>
        </DropdownMenu.RadioItem>
      ))}
    </DropdownMenu.RadioGroup>
  );
}
