import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { AuthCard } from "~/components/auth-card";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (await getViewer()) redirect("/keys");
  return (
    <AuthCard title="Create your Keyway account">
      <SignUpForm />
      <p className="mt-4 text-center text-sm text-slate-600">
        Already have an account? <a className="font-medium text-indigo-700 hover:underline" href="/sign-in">Sign in</a>
      </p>
    </AuthCard>
  );
}
