// Security headers on every page and route (Next.js 16 "proxy", the successor of middleware).
// A fresh nonce per request: Next puts it on its own inline scripts when it finds it in the
// request's Content-Security-Policy, so no script runs without one.
import { NextResponse, type NextRequest } from "next/server";

const dev = process.env.NODE_ENV === "development";
// Read once: PUBLIC_URL is the one setting that says whether the portal is served over https.
const https = (process.env.PUBLIC_URL ?? "").startsWith("https://");

export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const csp = [
    "default-src 'self'",
    // 'strict-dynamic': scripts a nonced script loads (Next's chunks) run; nothing else does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Style attributes (charts, React) cannot carry a nonce; stylesheets come from 'self'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");

  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  // For the signed-in layout: where to come back to after signing in.
  headers.set("x-pathname", request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (https) response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  // Pages and API answers hold personal data: no shared or browser cache keeps them.
  if (!request.nextUrl.pathname.startsWith("/_next/static")) response.headers.set("cache-control", "no-store");
  return response;
}

export const config = {
  // Everything but Next's static files and the icon.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
