"use client";
import { useEffect, useRef, type ReactNode } from "react";
import { danger } from "./ui";

/**
 * Moves focus to an element the moment it appears: a field the user just asked to edit, or the safe
 * button of a confirmation. (Not for page load: a page starts at its top, jsx-a11y/no-autofocus.)
 */
export const focusOnMount = (el: HTMLElement | null) => el?.focus();

/** A native modal <dialog>: focus is trapped, Esc closes it, the page behind is inert. */
/**
 * `locked`: Esc does not close it (a one-time secret is showing: it would be gone without a word);
 * only the dialog's own buttons do.
 */
export function Dialog({ open, onClose, title, locked, children }: { open: boolean; onClose: () => void; title: string; locked?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onCancel={(e) => locked && e.preventDefault()}
      aria-label={title}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-black/50"
    >
      {open && (
        <div className="p-6">
          <h2 className="mb-4 text-lg font-semibold">{title}</h2>
          {children}
        </div>
      )}
    </dialog>
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
export function DialogFooter({ error, onCancel, cancelFirst, children }: { error: string | null; onCancel: () => void; cancelFirst?: boolean; children: ReactNode }) {
  return (
    <>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} ref={cancelFirst ? focusOnMount : undefined}
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
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <div className="space-y-4">
        <p className="text-sm text-slate-700">{children}</p>
        <DialogFooter error={error} onCancel={onClose} cancelFirst>
          <button type="button" disabled={pending} onClick={onConfirm} className={danger}>
            {pending && pendingLabel ? pendingLabel : confirm}
          </button>
        </DialogFooter>
      </div>
    </Dialog>
  );
}
