"use client";
// A credit balance and its refill, as set on a key's page (workspace admins) and on a workspace's
// admin page (platform admins): the one form, with each refusal beside its field.
import { Field } from "./field";
import { input, primary, secondary } from "./ui";
import { errorText, fieldErrors } from "~/trpc/errors";

export type Credits = { remaining: number; refill: { amount: number; interval: "daily" | "monthly" } | null };

export const REFILL_TEXT = { daily: "every day at 00:00 UTC", monthly: "on the 1st of each month (UTC)" } as const;

export function CreditsForm({ idPrefix, remaining, refill, pending, error, onSave, onCancel }: {
  idPrefix: string;
  /** The balance to start from (what is left now). */
  remaining: number | null;
  refill: Credits["refill"];
  pending: boolean;
  error: unknown;
  onSave: (credits: Credits) => void;
  onCancel?: () => void;
}) {
  const fields = error ? fieldErrors(error) : {};
  const shown = ["credits.remaining", "credits.refill.amount"];
  return (
    <form className="space-y-3" onSubmit={(e) => {
      e.preventDefault();
      const form = new FormData(e.currentTarget);
      const interval = String(form.get("interval"));
      onSave({
        remaining: Number(form.get("remaining")),
        refill: interval === "daily" || interval === "monthly" ? { amount: Number(form.get("amount")), interval } : null,
      });
    }}>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Balance" name="remaining" idPrefix={idPrefix} type="number" min={0} step={1} required width="w-full"
          defaultValue={remaining ?? 1000} error={fields["credits.remaining"]} />
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-slate-700">Refill</span>
          <select name="interval" defaultValue={refill?.interval ?? "none"} className={`${input} w-full`}>
            <option value="none">None</option>
            <option value="daily">Daily (00:00 UTC)</option>
            <option value="monthly">Monthly (the 1st)</option>
          </select>
        </label>
        <Field label="Refill to" name="amount" idPrefix={idPrefix} type="number" min={0} step={1} width="w-full"
          defaultValue={refill?.amount ?? 1000} error={fields["credits.refill.amount"]} hint="Used with a refill." />
      </div>
      {Boolean(error) && Object.keys(fields).every((f) => !shown.includes(f)) && <p role="alert" className="text-sm text-red-700">{errorText(error)}</p>}
      <div className="flex gap-2">
        <button type="submit" className={primary} disabled={pending}>{pending ? "Saving…" : "Save balance"}</button>
        {onCancel && <button type="button" className={secondary} onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}
