import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { externalProviders } from "@keyway/auth/next";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";
import { AuthCard } from "~/components/auth-card";
import { ExternalSignIn } from "~/components/external-sign-in";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (await getViewer()) redirect("/keys");
  return (
    <AuthCard title="Create your Keyway account">
      <SignUpForm />
      <ExternalSignIn providers={externalProviders(getServices().config)} />
      <p className="mt-4 text-center text-sm text-slate-600">
        Already have an account? <a className="font-medium text-indigo-700 hover:underline" href="/sign-in">Sign in</a>
      </p>
    </AuthCard>
  );
}
