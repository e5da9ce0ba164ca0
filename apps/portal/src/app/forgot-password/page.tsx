import type { Metadata } from "next";
import { AuthCard } from "~/components/auth-card";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard title="Reset your password">
      <ForgotPasswordForm />
      <p className="mt-4 text-center text-sm text-slate-600">
        Remembered it? <a className="font-medium text-indigo-700 hover:underline" href="/sign-in">Sign in</a>
      </p>
    </AuthCard>
  );
}
