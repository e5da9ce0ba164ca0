import type { Metadata } from "next";
import { AuthCard } from "~/components/auth-card";
import { VerifyEmail } from "./verify-email";

export const metadata: Metadata = { title: "Verify your email" };

/** The mailed link lands here; the address is confirmed by a POST from the page, never by the GET a mail scanner may make. */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Verify your email">
      <VerifyEmail token={token ?? ""} />
    </AuthCard>
  );
}
