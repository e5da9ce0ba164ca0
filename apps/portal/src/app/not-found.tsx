import Link from "next/link";
import { primaryLarge } from "~/components/ui";

/** Any address the portal does not know (and a workspace or page the viewer may not see). */
export default function NotFound() {
  return (
    <main id="content" className="mx-auto max-w-lg px-4 py-16">
      <section className="rounded-xl border border-slate-200 bg-surface p-8 shadow-sm">
        <p className="text-sm font-medium text-indigo-700">404</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">There is no page here</h1>
        <p className="mt-2 text-slate-700">The address may be mistyped, or the page was moved. Your keys and usage are where they were.</p>
        <Link href="/" className={`mt-6 inline-block ${primaryLarge}`}>Go to the overview</Link>
      </section>
    </main>
  );
}
