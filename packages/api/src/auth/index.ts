// Auth.js (next-auth 4) configuration: the one place sign-in is decided.
// The cookie is a signed JWT that carries only a server-side session id ("sid"); every request
// resolves it against PostgreSQL, so sign-out, disabling and role changes take effect at once.
import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { Config } from "@keyway/core";
import type { Services } from "../services/index.ts";
import { SESSION_MAX_AGE_S, type Viewer } from "../services/sessions.ts";
import { clientAddress } from "../services/throttle.ts";

declare module "next-auth" {
  interface Session {
    viewer: Viewer | null;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

/** The external sign-in buttons this deployment offers: only those configured in the environment. */
export function externalProviders(config: Config): { id: "github" | "oidc"; name: string }[] {
  const out: { id: "github" | "oidc"; name: string }[] = [];
  if (config.GITHUB_ID && config.GITHUB_SECRET) out.push({ id: "github", name: "GitHub" });
  if (config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET) out.push({ id: "oidc", name: config.OIDC_NAME });
  return out;
}

type OidcClaims = { sub: string; email?: string; name?: string; preferred_username?: string };

/**
 * The provider's UserInfo claims. Providers that follow the spec strictly put email and name there
 * rather than in the ID token when an access token is issued.
 */
function userInfo(issuer: string) {
  let endpoint: Promise<string> | undefined;
  return async (accessToken: string): Promise<Partial<OidcClaims>> => {
    endpoint ??= fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => r.json() as Promise<{ userinfo_endpoint: string }>)
      .then((d) => d.userinfo_endpoint);
    const url = await endpoint.catch((error: unknown) => {
      endpoint = undefined;
      throw error;
    });
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(5_000) });
    return res.ok ? ((await res.json()) as Partial<OidcClaims>) : {};
  };
}

function oauthProviders(config: Config): Provider[] {
  return externalProviders(config).map(({ id, name }) => {
    if (id === "github") return GitHubProvider({ clientId: config.GITHUB_ID!, clientSecret: config.GITHUB_SECRET! });
    const issuer = config.OIDC_ISSUER!.replace(/\/$/, "");
    const fetchUserInfo = userInfo(issuer);
    return {
      id: "oidc",
      name,
      type: "oauth",
      wellKnown: `${issuer}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      clientId: config.OIDC_CLIENT_ID!,
      clientSecret: config.OIDC_CLIENT_SECRET!,
      async profile(claims: OidcClaims, tokens: { access_token?: string }) {
        const extra = !claims.email && tokens.access_token ? await fetchUserInfo(tokens.access_token) : {};
        const all = { ...extra, ...claims, email: claims.email ?? extra.email };
        return { id: claims.sub, email: all.email ?? null, name: all.name ?? all.preferred_username ?? null };
      },
    } satisfies Provider;
  });
}

/** Why an external sign-in was refused, as the `error` query parameter the sign-in page explains. */
const OAUTH_REFUSALS = { no_email: "OAuthNoEmail", email_in_use: "OAuthEmailInUse", disabled: "AccountDisabled" } as const;

export function buildAuthOptions(services: Services): NextAuthOptions {
  return {
    secret: services.config.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, req) {
          const email = String(credentials?.email ?? "").slice(0, 320);
          const password = String(credentials?.password ?? "").slice(0, 1024);
          if (!email || !password) return null;
          const headers = (req.headers ?? {}) as Record<string, string | undefined>;
          // A ThrottledError's one-line message reaches the form as the sign-in error.
          await services.throttle.signIn(email, clientAddress((name) => headers[name]));
          const id = await services.users.checkPassword(email, password).catch(() => {
            // Said to the form as is (Auth.js passes a thrown message on as the error).
            throw new Error("Keyway cannot reach its database right now. Try again in a moment.");
          });
          return id ? { id } : null;
        },
      }),
      ...oauthProviders(services.config),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (!account || account.type === "credentials") return true;
        const result = await services.users.signInWithProvider({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email: user.email,
          name: user.name,
        });
        return result.ok ? true : `/sign-in?error=${OAUTH_REFUSALS[result.reason]}`;
      },
      async jwt({ token, user, account }) {
        // On sign-in, open a server-side session; afterwards the token carries only its id.
        if (!user) return { sid: token.sid };
        let userId = user.id;
        if (account && account.type !== "credentials") {
          // `user` is the provider's profile here; the signIn callback has linked it to a Keyway user.
          const linked = await services.users.signInWithProvider({ provider: account.provider, providerAccountId: account.providerAccountId, email: user.email, name: user.name });
          if (!linked.ok) throw new Error("AccessDenied");
          userId = linked.userId;
        }
        return { sid: await services.sessions.open(userId) };
      },
      async session({ token }) {
        // An error here would make Auth.js clear the cookie (sign the browser out) on a database
        // blip; the portal reads sessions through its own getViewer, this only serves /api/auth/session.
        const viewer = await services.sessions.resolve(token.sid).catch(() => null);
        return { viewer, expires: new Date(Date.now() + SESSION_MAX_AGE_S * 1000).toISOString() };
      },
    },
    events: {
      async signOut({ token }) {
        await services.sessions.close(token?.sid);
      },
    },
  };
}
