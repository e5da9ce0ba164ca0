"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { primaryLarge } from "~/components/ui";

const field = "w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500";

/** The stable codes the credentials step throws (SECOND_FACTOR_* in packages/auth/src/options.ts) in plain words: a client component cannot import the server package. */
const SECOND_STEP: Record<string, string> = {
  SECOND_FACTOR_REQUIRED: "",
  SECOND_FACTOR_INVALID: "That code is not right. Enter the current code from your app, or one of your recovery codes.",
};

export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Email and password were right and the account has a second factor: ask for the code.
  const [needsCode, setNeedsCode] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      code: String(form.get("code") ?? ""),
      redirect: false,
    });
    if (result?.ok && !result.error) {
      router.replace(next);
      router.refresh();
      return;
    }
    setPending(false);
    const code = result?.error ?? "";
    if (code in SECOND_STEP) {
      setNeedsCode(true);
      setError(SECOND_STEP[code] || null);
      setTimeout(() => codeRef.current?.focus(), 0);
      return;
    }
    // Auth.js reports a refused password as "CredentialsSignin"; a throttle or an outage carries
    // its own one-line message.
    setError(code && code !== "CredentialsSignin" ? code : "That email and password do not match an account.");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Email</span>
        <input name="email" type="email" autoComplete="email" required readOnly={needsCode} className={field} />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">Password</span>
        <input name="password" type="password" autoComplete="current-password" required readOnly={needsCode} className={field} />
      </label>
      {needsCode && (
        <label className="block">
          <span className="mb-1 block text-sm font-medium text-slate-700">Two-factor code</span>
          <input ref={codeRef} name="code" inputMode="numeric" autoComplete="one-time-code" required aria-invalid={Boolean(error)}
            aria-describedby={error ? "code-hint sign-in-error" : "code-hint"} className={field} />
          <span id="code-hint" className="mt-1 block text-xs text-slate-500">The 6-digit code from your authenticator app, or a recovery code.</span>
        </label>
      )}
      {error && <p id="sign-in-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
      <button type="submit" disabled={pending}
        className={`w-full ${primaryLarge}`}>
        {pending ? "Signing in…" : needsCode ? "Verify and sign in" : "Sign in"}
      </button>
      <p className="text-center text-sm">
        <a href="/forgot-password" className="font-medium text-indigo-700 hover:underline">Forgot password?</a>
      </p>
    </form>
  );
}
