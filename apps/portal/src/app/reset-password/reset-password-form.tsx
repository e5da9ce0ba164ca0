"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";
import { primaryLarge } from "~/components/ui";

const field = "w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500";

export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const reset = useMutation(trpc.account.resetPassword.mutationOptions({ onSuccess: () => router.replace("/sign-in?reset=1") }));
  // Uncontrolled (read on submit): what is typed before the page's script has taken over is kept.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reset.mutate({ token, password: String(new FormData(event.currentTarget).get("password") ?? "") });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <p className="text-sm text-slate-600">Every browser signed in to your account will be signed out.</p>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">New password</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={10}
          aria-invalid={reset.isError} aria-describedby="pw-hint" className={field} />
        <span id="pw-hint" className="mt-1 block text-xs text-slate-500">At least 10 characters.</span>
        {reset.isError && <span role="alert" className="mt-1 block text-sm text-red-700">{errorText(reset.error)} {/expired|used/.test(errorText(reset.error)) && <a className="font-medium underline" href="/forgot-password">Ask for a new link</a>}</span>}
      </label>
      <button type="submit" disabled={reset.isPending || reset.isSuccess} className={`w-full ${primaryLarge}`}>
        {reset.isPending ? "Saving…" : "Set new password"}
      </button>
    </form>
  );
}
