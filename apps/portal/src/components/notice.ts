"use client";
import { useEffect, useState } from "react";

/** How long a success notice stays: long enough to read, then it makes room. */
export const NOTICE_MS = 8_000;

/** A success notice that goes away by itself (`useState`'s shape: [notice, setNotice]). */
export function useNotice() {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (notice === null) return;
    const t = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice]);
  return [notice, setNotice] as const;
}
