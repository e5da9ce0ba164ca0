"use client";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";

/** Shown on every page until the address is verified: keys cannot be made before. */
export function VerifyBanner({ email }: { email: string }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.settings.resendVerification.mutationOptions());
  return (
    <div role="region" aria-label="Email verification" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm text-amber-900">
        <p className="min-w-0 flex-1">
          <strong className="font-semibold">Verify your email address.</strong> We sent a link to <span className="break-all font-medium">{email}</span>; open it to start creating API keys.
        </p>
        <button
          type="button"
          onClick={() => resend.mutate()}
          disabled={resend.isPending || resend.isSuccess}
          className="rounded-md border border-amber-300 bg-surface px-3 py-1.5 font-medium text-amber-900 hover:bg-amber-100 disabled:opacity-60"
        >
          {resend.isPending ? "Sending…" : resend.isSuccess ? "Sent: check your inbox" : "Resend the link"}
        </button>
        {resend.isError && <p role="alert" className="w-full text-red-800">{errorText(resend.error)}</p>}
      </div>
    </div>
  );
}
