import type { Metadata } from "next";
import { AuthCard } from "~/components/auth-card";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Choose a new password">
      {token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          This link is incomplete. <a className="font-medium underline" href="/forgot-password">Ask for a new one</a>.
        </p>
      )}
    </AuthCard>
  );
}
