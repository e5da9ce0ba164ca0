import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (await getViewer()) redirect("/keys");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid size-8 place-items-center rounded-md bg-indigo-600 text-white">K</span>
          <h1 className="text-xl font-semibold">Create your Keyway account</h1>
        </div>
        <SignUpForm />
        <p className="mt-4 text-center text-sm text-slate-600">
          Already have an account? <a className="font-medium text-indigo-700 hover:underline" href="/sign-in">Sign in</a>
        </p>
      </div>
    </main>
  );
}
