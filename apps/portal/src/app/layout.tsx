import type { Metadata } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import { Providers } from "~/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keyway", template: "%s · Keyway" },
  description: "API keys, rate limits and usage for your platform",
};

/**
 * Every page renders per request: the proxy's CSP nonce (read here, and by Next for its own
 * scripts) is new each time, and a prerendered page would carry none.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
