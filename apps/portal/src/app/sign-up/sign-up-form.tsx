"use client";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";
import { primaryLarge } from "~/components/ui";

const input = "w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500";

export function SignUpForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const signUp = useMutation(trpc.account.signUp.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.currentTarget);
    const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") };
    try {
      await signUp.mutateAsync(values);
    } catch (e) {
      setError(errorText(e));
      return;
    }
    const result = await signIn("credentials", { email: values.email, password: values.password, redirect: false });
    if (result?.ok && !result.error) {
      // the overview walks a new account through its first key and request
      router.replace("/");
      router.refresh();
    } else setError("Your account is ready, but signing in failed. Try signing in.");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Name</span>
        <input name="name" autoComplete="name" required className={input} />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Email</span>
        <input name="email" type="email" autoComplete="email" required className={input} />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Password</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={10} aria-describedby="pw-hint" className={input} />
        <span id="pw-hint" className="mt-1 block text-xs text-slate-500">At least 10 characters.</span>
      </label>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
      <button type="submit" disabled={signUp.isPending}
        className={`w-full ${primaryLarge}`}>
        {signUp.isPending ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}
