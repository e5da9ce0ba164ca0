"use client";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";
import { primaryLarge } from "~/components/ui";

const field = "w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500";

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.account.requestPasswordReset.mutationOptions());
  // Uncontrolled (read on submit): what is typed before the page's script has taken over is kept.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    request.mutate({ email: String(new FormData(event.currentTarget).get("email") ?? "") });
  }

  if (request.isSuccess) {
    return (
      <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
        If <strong className="break-all">{request.data.email}</strong> has a Keyway account, a link to choose a new password is on its way. It works once, for 30 minutes.
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <p className="text-sm text-slate-600">Enter the email address of your account and we will mail you a link to choose a new password.</p>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Email</span>
        <input name="email" type="email" autoComplete="email" required
          aria-invalid={request.isError} aria-describedby={request.isError ? "email-error" : undefined} className={field} />
        {request.isError && <span id="email-error" role="alert" className="mt-1 block text-sm text-red-700">{errorText(request.error)}</span>}
      </label>
      <button type="submit" disabled={request.isPending} className={`w-full ${primaryLarge}`}>
        {request.isPending ? "Sending…" : "Mail me a link"}
      </button>
    </form>
  );
}
