"use client";
// What a developer does to a key, the same on the keys list and on the key's page: roll it (a new
// secret, shown once, with a grace period for the old one) and revoke it (asked first).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ConfirmDialog, CopyButton, Dialog, DialogFooter } from "~/components/dialog";
import { codeBlock, primary } from "~/components/ui";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";

export interface KeyRef {
  id: string;
  name: string;
  prefix: string;
}

/**
 * A secret shown this once (a key, a service token), with a copy button: the window around it
 * closes only with "I have saved it". `children`: what to do with it next.
 */
export function OneTimeSecret({ secret, label, what, onDone, children }: { secret: string; label: string; what: string; onDone: () => void; children?: ReactNode }) {
  return (
    <div className="space-y-4">
      <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Copy this {what} now. For your security it will not be shown again: this window closes only with the button below.
      </p>
      <div className="flex items-center gap-2">
        <input readOnly value={secret} aria-label={label} data-testid="new-key"
          onFocus={(e) => e.currentTarget.select()}
          className="w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm" />
        <CopyButton text={secret} />
      </div>
      {children}
      <div className="flex justify-end">
        <button type="button" className={primary} onClick={onDone}>I have saved it</button>
      </div>
    </div>
  );
}

/** The full key, shown once, with a ready-to-paste request against the sample API. */
export function NewKey({ secret, onDone }: { secret: string; onDone: () => void }) {
  const curl = `curl ${typeof window === "undefined" ? "" : window.location.origin}/api/v1/echo -H "Authorization: Bearer ${secret}"`;
  return (
    <OneTimeSecret secret={secret} label="Your new API key" what="key" onDone={onDone}>
      <div>
        <p className="mb-1 text-sm font-medium text-slate-700">Try it</p>
        <div className="flex items-start gap-2">
          <pre className={`w-full ${codeBlock}`}><code>{curl}</code></pre>
          <CopyButton text={curl} label="Copy curl" />
        </div>
      </div>
    </OneTimeSecret>
  );
}

/**
 * Roll and revoke for the keys of a workspace: `open("roll", key)` shows the dialog, `dialogs` is
 * to be rendered once by the page. `onRolled` gets the new key's id once its secret was saved.
 */
export function useKeyActions(workspaceId: string, { onRolled }: { onRolled?: (newKeyId: string) => void } = {}): { open: (kind: "roll" | "revoke", key: KeyRef) => void; dialogs: ReactNode } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.keys.get.queryKey() }),
  ]);
  const [dialog, setDialog] = useState<{ kind: "roll" | "revoke"; key: KeyRef } | null>(null);
  const [rolled, setRolled] = useState<{ key: string; id: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: refresh }));
  const roll = useMutation(trpc.keys.roll.mutationOptions({ onSuccess: refresh }));

  const close = () => {
    const made = rolled;
    setDialog(null);
    setRolled(null);
    setError(null);
    if (made) onRolled?.(made.id);
  };

  const dialogs = (
    <>
      <ConfirmDialog open={dialog?.kind === "revoke"} onClose={close} title="Revoke this key?" error={error}
        confirm="Revoke key" pendingLabel="Revoking…" pending={revoke.isPending}
        onConfirm={() => dialog && revoke.mutate({ workspaceId, id: dialog.key.id }, { onSuccess: close, onError: (e) => setError(errorText(e)) })}>
        {dialog?.kind === "revoke" && (
          <>
            <strong>{dialog.key.name}</strong> (<code className="font-mono">{dialog.key.prefix}</code>) stops working
            everywhere within a second. Requests using it will get 401. This cannot be undone.
          </>
        )}
      </ConfirmDialog>

      <Dialog open={dialog?.kind === "roll"} onClose={close} locked={rolled !== null} title={rolled ? "Your new API key" : "Roll this key?"}>
        {dialog?.kind === "roll" && (rolled ? <NewKey secret={rolled.key} onDone={close} /> : (
          <form className="space-y-4" onSubmit={(e) => {
            e.preventDefault();
            const grace = Number(new FormData(e.currentTarget).get("grace"));
            roll.mutate({ workspaceId, id: dialog.key.id, graceSeconds: grace }, { onSuccess: (r) => setRolled({ key: r.key, id: r.record.id }), onError: (err) => setError(errorText(err)) });
          }}>
            <p className="text-sm text-slate-700">
              A new key replaces <strong>{dialog.key.name}</strong>. Choose how long the old key keeps working while you deploy the new one.
            </p>
            <label className="block">
              <span className="mb-1 block text-sm font-medium text-slate-700">Old key stops</span>
              <select name="grace" defaultValue="3600" className="w-full rounded-md border border-slate-300 bg-surface px-3 py-2">
                <option value="0">Immediately</option>
                <option value="3600">In 1 hour</option>
                <option value="86400">In 24 hours</option>
              </select>
            </label>
            <DialogFooter error={error} onCancel={close}>
              <button type="submit" className={primary} disabled={roll.isPending}>{roll.isPending ? "Rolling…" : "Roll key"}</button>
            </DialogFooter>
          </form>
        ))}
      </Dialog>
    </>
  );
  return { open: (kind, key) => setDialog({ kind, key }), dialogs };
}
