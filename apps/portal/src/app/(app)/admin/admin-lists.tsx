"use client";
// Pieces the admin console's lists and limit forms share.
import { useEffect, useState } from "react";
import { secondary } from "~/components/ui";

export const WINDOWS = ["minute", "hour", "day", "month"] as const;
export type Window = (typeof WINDOWS)[number];

/** A form's per-window limit fields as numbers ("1,000" → 1000); an empty field is null (no limit of its own). */
export function limitsFrom(form: FormData): Record<Window, number | null> {
  return Object.fromEntries(WINDOWS.map((w) => {
    const raw = String(form.get(w) ?? "").trim().replaceAll(",", "");
    return [w, raw === "" ? null : Number(raw)];
  })) as Record<Window, number | null>;
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
