"use client";
// Success notices as toasts (Radix Toast): announced politely, shown 8 s (longer while hovered or
// focused), dismissable by a button, Escape or a swipe; F8 jumps to them.
import { Toast } from "radix-ui";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

/** How long a notice stays: long enough to read, then it makes room. */
export const NOTICE_MS = 8_000;

const NotifyContext = createContext<(message: string) => void>(() => {});

export function Toasts({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<{ id: number; message: string }[]>([]);
  const notify = useCallback((message: string) => setItems((xs) => [...xs.slice(-2), { id: Date.now() + Math.random(), message }]), []);
  return (
    <Toast.Provider duration={NOTICE_MS} swipeDirection="right" label="Notifications">
      <NotifyContext.Provider value={notify}>{children}</NotifyContext.Provider>
      {items.map((t) => (
        <Toast.Root key={t.id} type="background" onOpenChange={(open) => !open && setItems((xs) => xs.filter((x) => x.id !== t.id))}
          className="flex items-start justify-between gap-3 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800 shadow-lg" data-testid="toast">
          <Toast.Description>{t.message}</Toast.Description>
          <Toast.Close aria-label="Dismiss" className="shrink-0 rounded px-1 text-emerald-800 hover:bg-emerald-100">×</Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="fixed bottom-4 right-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2 outline-none" />
    </Toast.Provider>
  );
}

/** `notify("Tier saved.")`: a success notice for the viewer. */
export const useNotify = () => useContext(NotifyContext);
