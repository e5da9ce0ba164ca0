"use client";
// A button that opens a small panel below it (the header's workspace and account menus). The panel
// closes on Escape (focus back on the button), on a click outside, and after a choice.
import { useEffect, useRef, useState, type ReactNode } from "react";

export function Menu({ label, button, align = "left", testId, children }: {
  /** The button's accessible name, when its content does not say it. */
  label?: string;
  button: ReactNode;
  align?: "left" | "right";
  testId?: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onMouse = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      trigger.current?.focus();
    };
    document.addEventListener("mousedown", onMouse);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onMouse);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return (
    <div ref={root} className="relative">
      <button ref={trigger} type="button" aria-expanded={open} aria-label={label} data-testid={testId} onClick={() => setOpen(!open)}
        className="flex items-center gap-1.5 rounded-md border border-slate-300 px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100">
        {button}
        <span aria-hidden className="text-slate-500">▾</span>
      </button>
      {open && (
        <div className={`absolute z-20 mt-1 w-64 max-w-[calc(100vw-2rem)] rounded-lg border border-slate-200 bg-surface p-1 shadow-lg ${align === "right" ? "right-0" : "left-0"}`}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}

/** One entry of a menu's panel (a button or a link's look). */
export const menuItem = "flex w-full items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100";
