import type { Metadata } from "next";
import type { ReactNode } from "react";
import { cookies, headers } from "next/headers";
import { THEME_COOKIE, themeFrom } from "~/lib/theme";
import { TimeZoneProvider } from "~/lib/dates";
import { Toasts } from "~/components/toast";
import { TipProvider } from "~/components/tip";
import { validTimeZone } from "~/lib/format";
import { TIME_ZONE_COOKIE } from "~/lib/time-zone-cookie";
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
  const jar = await cookies();
  const theme = themeFrom(jar.get(THEME_COOKIE)?.value);
  const zone = validTimeZone(jar.get(TIME_ZONE_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body className="min-h-screen font-sans">
        {/* the first tab stop: past the header to the page's own content */}
        <a href="#content" className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2 focus:font-medium focus:text-indigo-700 focus:shadow">
          Skip to content
        </a>
        <Providers>
          <TimeZoneProvider zone={zone}>
            <TipProvider>
              <Toasts>{children}</Toasts>
            </TipProvider>
          </TimeZoneProvider>
        </Providers>
      </body>
    </html>
  );
}
