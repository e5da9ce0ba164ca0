"use client";
import { useEffect, useState } from "react";
import { primaryLarge } from "~/components/ui";

/**
 * What a page shows when the server could not build it, most often because PostgreSQL or Redis
 * is unreachable: which one (from /api/health), that API keys keep working, and a retry.
 */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const [health, setHealth] = useState<{ database: string; redis: string } | null>(null);
  useEffect(() => {
    fetch("/api/health", { cache: "no-store" })
      .then((r) => r.json() as Promise<{ database: string; redis: string }>)
      .then(setHealth, () => setHealth(null));
  }, []);
  const down = health ? [health.database === "down" && "the database", health.redis === "down" && "the cache (Redis)"].filter(Boolean) : [];
  return (
    <main className="mx-auto max-w-lg px-4 py-16">
      <section role="alert" className="rounded-xl border border-amber-200 bg-surface p-8 shadow-sm">
        <h1 className="text-xl font-semibold text-slate-900">Keyway is having trouble right now</h1>
        <p className="mt-2 text-slate-700">
          {down.length > 0
            ? `The portal cannot reach ${down.join(" or ")}.`
            : "Something went wrong while loading this page."}{" "}
          API keys already in use keep working; the portal will be back as soon as it can reach its services.
        </p>
        <button type="button" onClick={reset} className={`mt-6 ${primaryLarge}`}>
          Try again
        </button>
      </section>
    </main>
  );
}
