"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

/**
 * One button per configured OAuth/OIDC provider, on the sign-in and sign-up pages (a first
 * sign-in with a provider creates the account); rendered only when the deployment has some.
 */
export function ExternalSignIn({ providers }: { providers: { id: string; name: string }[] }) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="mt-6">
      <div className="relative mb-4 text-center text-xs uppercase tracking-wide text-slate-500">
        <span className="relative z-10 bg-surface px-2">or</span>
        <span aria-hidden className="absolute inset-x-0 top-1/2 border-t border-slate-200" />
      </div>
      <div className="space-y-2">
        {providers.map((p) => (
          <button key={p.id} type="button" disabled={pending !== null}
            onClick={() => {
              setPending(p.id);
              void signIn(p.id, { callbackUrl: "/" });
            }}
            className="w-full rounded-md border border-slate-300 bg-surface px-4 py-2 font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60">
            {pending === p.id ? `Redirecting to ${p.name}…` : `Continue with ${p.name}`}
          </button>
        ))}
      </div>
    </div>
  );
}
