// A labelled text field with its hint and its error beside it (aria-describedby, aria-invalid):
// the one look of a form field, for the settings page and the admin console's forms.
import type { InputHTMLAttributes } from "react";
import { input } from "./ui";

export function Field({ label, name, error, hint, idPrefix = "f", width = "w-full max-w-md", ...props }: {
  label: string;
  name: string;
  error?: string | null;
  hint?: string;
  idPrefix?: string;
  /** The input's width classes. */
  width?: string;
} & InputHTMLAttributes<HTMLInputElement>) {
  const id = `${idPrefix}-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="text-sm">
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700">{label}</label>
      <input id={id} name={name} className={`${input} ${width}`} aria-invalid={Boolean(error)} aria-describedby={describedBy} {...props} />
      {hint && <span id={`${id}-hint`} className="mt-1 block text-xs text-slate-600">{hint}</span>}
      {error && <span id={`${id}-error`} role="alert" className="mt-1 block text-sm text-red-700">{error}</span>}
    </div>
  );
}
