import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { externalProviders } from "@keyway/auth/next";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";
import { AuthCard } from "~/components/auth-card";
import { SignInForm } from "./sign-in-form";
import { ExternalSignIn } from "~/components/external-sign-in";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

/** What the `error` parameter Auth.js (or our signIn callback) sends back means, in plain words. */
const ERRORS: Record<string, string> = {
  OAuthEmailInUse: "An account with that email already exists. Sign in with your email and password.",
  OAuthNoEmail: "Your provider did not share an email address, which Keyway needs. Make one visible and try again.",
  OAuthEmailUnverified: "Your provider has not verified your email address. Verify it there, then try again.",
  AccountDisabled: "This account is disabled. Contact your platform's administrators.",
  OAuthSignin: "Could not reach the sign-in provider. Try again in a moment.",
  OAuthCallback: "The sign-in provider's answer could not be checked. Try again.",
  AccessDenied: "Sign-in was refused.",
};

/** Where to go after signing in: a path on this site only (never an open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) && !next.startsWith("/sign-in") ? next : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string; reset?: string }> }) {
  const { error, next, reset } = await searchParams;
  if (await getViewer()) redirect(safeNext(next));
  const message = error && error !== "CredentialsSignin" ? (ERRORS[error] ?? "Sign-in failed. Try again.") : null;
  return (
    <AuthCard title="Sign in to Keyway">
      {message && <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{message}</p>}
      {reset === "1" && <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">Your password was changed. Sign in with the new one.</p>}
      <SignInForm next={safeNext(next)} />
      <ExternalSignIn providers={externalProviders(getServices().config)} />
      <p className="mt-4 text-center text-sm text-slate-600">
        New to Keyway? <a className="font-medium text-indigo-700 hover:underline" href="/sign-up">Create an account</a>
      </p>
    </AuthCard>
  );
}
