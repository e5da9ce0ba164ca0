import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { AuthCard } from "~/components/auth-card";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await getViewer()) redirect("/");
  return (
    <AuthCard title="Sign in to Keyway">
      <SignInForm />
      <p className="mt-4 text-center text-sm text-slate-600">
        New to Keyway? <a className="font-medium text-indigo-700 hover:underline" href="/sign-up">Create an account</a>
      </p>
    </AuthCard>
  );
}
