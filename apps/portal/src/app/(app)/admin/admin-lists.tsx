"use client";
// Pieces the admin console's lists and limit forms share.
import { useEffect, useState } from "react";
import { input, secondary } from "~/components/ui";
import { fieldErrors } from "~/trpc/errors";

export const WINDOWS = ["minute", "hour", "day", "month"] as const;
export type Window = (typeof WINDOWS)[number];

/** A form's per-window limit fields as numbers ("1,000" → 1000); an empty field is null (no limit of its own). */
export function limitsFrom(form: FormData): Record<Window, number | null> {
  return Object.fromEntries(WINDOWS.map((w) => {
    const raw = String(form.get(w) ?? "").trim().replaceAll(",", "");
    return [w, raw === "" ? null : Number(raw)];
  })) as Record<Window, number | null>;
}

/** The input paths of the limit fields, as the server names them in its errors. */
export const LIMIT_FIELDS = WINDOWS.map((w) => `limits.${w}`);

/**
 * The four per-window limit fields of a form, each with the server's message about it beside it
 * (from the failed call `error`), named so limitsFrom reads them.
 */
export function LimitFields({ idPrefix, defaults, placeholders, error, required, className = "grid grid-cols-2 gap-3" }: {
  idPrefix: string;
  defaults: Record<Window, number | null | undefined>;
  placeholders?: Record<Window, string>;
  error: unknown;
  required?: boolean;
  className?: string;
}) {
  const errors = fieldErrors(error);
  return (
    <div className={className}>
      {WINDOWS.map((w) => {
        const id = `${idPrefix}-${w}`;
        const message = errors[`limits.${w}`];
        return (
          <div key={w} className="text-sm">
            <label htmlFor={id} className="mb-1 block font-medium text-slate-700">Per {w}</label>
            <input id={id} name={w} inputMode="numeric" required={required} defaultValue={defaults[w] ?? ""} placeholder={placeholders?.[w]}
              aria-invalid={Boolean(message)} aria-describedby={message ? `${id}-error` : undefined} className={`${input} w-full tabular-nums`} />
            {message && <p id={`${id}-error`} role="alert" className="mt-1 text-xs text-red-700">{message}</p>}
          </div>
        );
      })}
    </div>
  );
}

/** A search box's text, and the query it settles to once typing pauses (the page goes back to the first). */
export function useSearch() {
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(0);
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(text.trim());
      setPage(0);
    }, 250);
    return () => clearTimeout(t);
  }, [text]);
  return { text, setText, q, page, setPage };
}

/** Previous / "Page n of m" / Next under a list; nothing when it fits on one page. */
export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm">
      <button type="button" className={secondary} disabled={page === 0} onClick={() => onPage(page - 1)}>Previous</button>
      <span className="text-slate-600">Page {page + 1} of {pages}</span>
      <button type="button" className={secondary} disabled={page + 1 >= pages} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}
