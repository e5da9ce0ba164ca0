"use client";
import { Dialog as RadixDialog } from "radix-ui";
import { useRef, type ReactNode, type RefObject } from "react";
import { danger } from "./ui";

/**
 * Moves focus to an element the moment it appears: a field the user just asked to edit, or the safe
 * button of a confirmation. (Not for page load: a page starts at its top, jsx-a11y/no-autofocus.)
 */
export const focusOnMount = (el: HTMLElement | null) => el?.focus();

/**
 * A modal dialog (Radix): focus moves in and stays in, Escape or a click outside closes it, the
 * page behind is hidden from assistive technology, and focus returns to what opened it.
 * `locked`: neither Escape nor a click outside closes it (a one-time secret is showing: it would be
 * gone without a word); only the dialog's own buttons do. `initialFocus`: the element to focus
 * first instead of the first field (a confirmation's Cancel).
 */
export function Dialog({ open, onClose, title, locked, initialFocus, children }: {
  open: boolean;
  onClose: () => void;
  title: string;
  locked?: boolean;
  initialFocus?: RefObject<HTMLElement | null>;
  children: ReactNode;
}) {
  const keep = (e: Event) => locked && e.preventDefault();
  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => !next && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/50" />
        <RadixDialog.Content aria-describedby={undefined} onEscapeKeyDown={keep} onInteractOutside={keep}
          onOpenAutoFocus={(e) => { if (initialFocus?.current) { e.preventDefault(); initialFocus.current.focus(); } }}
          className="fixed left-1/2 top-1/2 z-50 max-h-[calc(100vh-2rem)] w-[min(36rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-xl border border-slate-200 bg-surface p-6 text-slate-900 shadow-xl">
          <RadixDialog.Title className="mb-4 text-lg font-semibold">{title}</RadixDialog.Title>
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const done = useRef<HTMLSpanElement>(null);
  return (
    <button
      type="button"
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        if (done.current) {
          done.current.textContent = "Copied";
          setTimeout(() => done.current && (done.current.textContent = label), 1500);
        }
      }}
      className="shrink-0 rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
    >
      <span ref={done} aria-live="polite">{label}</span>
    </button>
  );
}

/** A dialog's error line and its Cancel / confirm buttons. */
export function DialogFooter({ error, onCancel, cancelRef, children }: { error: string | null; onCancel: () => void; cancelRef?: RefObject<HTMLButtonElement | null>; children: ReactNode }) {
  return (
    <>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} ref={cancelRef}
          className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Cancel
        </button>
        {children}
      </div>
    </>
  );
}

/** "Are you sure?" before a destructive action: what will happen, Cancel (focused) and the red button. */
export function ConfirmDialog({ open, title, onClose, error, confirm, pendingLabel, pending, onConfirm, children }: {
  open: boolean;
  title: string;
  onClose: () => void;
  error: string | null;
  confirm: string;
  pendingLabel?: string;
  pending: boolean;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Dialog open={open} onClose={onClose} title={title} initialFocus={cancel}>
      <div className="space-y-4">
        <p className="text-sm text-slate-700">{children}</p>
        <DialogFooter error={error} onCancel={onClose} cancelRef={cancel}>
          <button type="button" disabled={pending} onClick={onConfirm} className={danger}>
            {pending && pendingLabel ? pendingLabel : confirm}
          </button>
        </DialogFooter>
      </div>
    </Dialog>
  );
}
