import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getViewer } from "~/server/auth";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await getViewer()) redirect("/");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid size-8 place-items-center rounded-md bg-indigo-600 text-white">K</span>
          <h1 className="text-xl font-semibold">Sign in to Keyway</h1>
        </div>
        <SignInForm />
        <p className="mt-4 text-center text-sm text-slate-600">
          New to Keyway? <a className="font-medium text-indigo-700 hover:underline" href="/sign-up">Create an account</a>
        </p>
      </div>
    </main>
  );
}
