import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "~/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keyway", template: "%s · Keyway" },
  description: "API keys, rate limits and usage for your platform",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
