// Auth.js (next-auth 4) configuration: the one place sign-in is decided.
// The cookie is a signed JWT that carries only a server-side session id ("sid"); every request
// resolves it against PostgreSQL, so sign-out, disabling and role changes take effect at once.
import NextAuth, { type NextAuthOptions } from "next-auth";
import { decode } from "next-auth/jwt";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { Config } from "@keyway/core";
import { SESSION_MAX_AGE_S, type Client, type SessionService, type Viewer } from "./sessions.ts";
import { clientOf, type ThrottleService } from "./throttle.ts";
import { MAX_PASSWORD_LENGTH } from "./passwords.ts";
import type { UserService } from "./users.ts";
import type { AccountService } from "./accounts.ts";
import type { SecondFactorService } from "./second-factor.ts";

/** What sign-in needs of the process's services (the composition root hands them over). */
export interface AuthDeps {
  config: Config;
  users: UserService;
  sessions: SessionService;
  throttle: ThrottleService;
  accounts: AccountService;
  secondFactor: SecondFactorService;
}

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

type OidcClaims = { sub: string; email?: string; email_verified?: boolean | string; name?: string; preferred_username?: string };

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

/** A provider's profile as Keyway takes it: whether the provider verified the address decides whether it is used. */
interface ProviderProfile {
  id: string;
  email: string | null;
  name: string | null;
  emailVerified: boolean;
}

/** GitHub's primary address and whether GitHub verified it (its /user profile does not say). */
async function githubPrimaryEmail(accessToken: string): Promise<{ email: string | null; verified: boolean }> {
  const res = await fetch("https://api.github.com/user/emails", {
    headers: { authorization: `Bearer ${accessToken}`, "user-agent": "keyway", accept: "application/vnd.github+json" },
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) return { email: null, verified: false };
  const emails = (await res.json()) as { email: string; primary: boolean; verified: boolean }[];
  const primary = emails.find((e) => e.primary);
  return { email: primary?.email ?? null, verified: primary?.verified === true };
}

function oauthProviders(config: Config): Provider[] {
  return externalProviders(config).map(({ id, name }) => {
    if (id === "github") {
      return GitHubProvider({
        clientId: config.GITHUB_ID!,
        clientSecret: config.GITHUB_SECRET!,
        async profile(profile, tokens): Promise<ProviderProfile> {
          const primary = tokens.access_token ? await githubPrimaryEmail(tokens.access_token) : { email: null, verified: false };
          return { id: String(profile.id), email: primary.email, name: profile.name ?? profile.login, emailVerified: primary.verified };
        },
      });
    }
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
      async profile(claims: OidcClaims, tokens: { access_token?: string }): Promise<ProviderProfile> {
        const extra = !claims.email && tokens.access_token ? await fetchUserInfo(tokens.access_token) : {};
        const all = { ...extra, ...claims, email: claims.email ?? extra.email };
        const verified = claims.email ? claims.email_verified : extra.email_verified;
        return { id: claims.sub, email: all.email ?? null, name: all.name ?? all.preferred_username ?? null, emailVerified: verified === true || verified === "true" };
      },
    } satisfies Provider;
  });
}

/** Why an external sign-in was refused, as the `error` query parameter the sign-in page explains. */
const OAUTH_REFUSALS = { no_email: "OAuthNoEmail", email_unverified: "OAuthEmailUnverified", email_in_use: "OAuthEmailInUse", disabled: "AccountDisabled" } as const;

/** What the sign-in form is told when a password was right but a second step is needed or wrong (stable codes it maps to text). */
export const SECOND_FACTOR_REQUIRED = "SECOND_FACTOR_REQUIRED";
export const SECOND_FACTOR_INVALID = "SECOND_FACTOR_INVALID";

/** The session cookie's name: the __Secure- one exactly when the portal is served over https. */
export function sessionCookieName(config: Config): string {
  return new URL(config.PUBLIC_URL).protocol === "https:" ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

type Headers = Record<string, string | string[] | undefined>;
const headerOf = (headers: Headers) => (name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
};

/** The user object the credentials step hands to the jwt callback: who, and from where (for the session list). */
interface SignedIn {
  id: string;
  client?: Client;
}

export function buildAuthOptions(services: AuthDeps): NextAuthOptions {
  const { config } = services;
  // Auth.js builds its callback URLs from NEXTAUTH_URL; Keyway has one public URL setting.
  process.env.NEXTAUTH_URL = config.PUBLIC_URL;
  const secure = new URL(config.PUBLIC_URL).protocol === "https:";
  const provider = (p: { provider: string; providerAccountId: string }, user: { email?: string | null; name?: string | null; emailVerified?: unknown }) =>
    services.users.signInWithProvider({ provider: p.provider, providerAccountId: p.providerAccountId, email: user.email, emailVerified: user.emailVerified === true, name: user.name });
  return {
    secret: config.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    useSecureCookies: secure,
    cookies: {
      sessionToken: { name: sessionCookieName(config), options: { httpOnly: true, sameSite: "lax", path: "/", secure } },
    },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
        async authorize(credentials, req): Promise<SignedIn | null> {
          const email = String(credentials?.email ?? "").trim().toLowerCase().slice(0, 320);
          const password = String(credentials?.password ?? "").slice(0, MAX_PASSWORD_LENGTH);
          const code = String(credentials?.code ?? "").slice(0, 32);
          if (!email || !password) return null;
          const header = headerOf((req.headers ?? {}) as Headers);
          const client: Client = { ip: clientOf(header, config.TRUSTED_PROXY_HOPS), userAgent: header("user-agent")?.slice(0, 256) ?? null };
          const actor = (id: string | null) => ({ id, role: "anonymous" as const, ...client });
          // A ThrottledError's one-line message reaches the form as the sign-in error.
          await services.throttle.beforeSignIn(email, client.ip);
          const checked = await services.users.checkPassword(email, password).catch(() => {
            // Said to the form as is (Auth.js passes a thrown message on as the error).
            throw new Error("Keyway cannot reach its database right now. Try again in a moment.");
          });
          if (!checked.ok) {
            await services.throttle.signInFailed(email, client.ip);
            await services.accounts.record(actor(null), "auth.sign_in_failed", checked.userId, { email, reason: "password" });
            return null;
          }
          let method = "password";
          if (checked.twoFactor) {
            if (!code) throw new Error(SECOND_FACTOR_REQUIRED);
            const used = await services.secondFactor.check(checked.userId, code);
            if (!used) {
              await services.throttle.signInFailed(email, client.ip);
              await services.accounts.record(actor(null), "auth.sign_in_failed", checked.userId, { email, reason: "second_factor" });
              throw new Error(SECOND_FACTOR_INVALID);
            }
            method = used === "totp" ? "password+totp" : "password+recovery_code";
          }
          await services.accounts.record({ ...actor(checked.userId), role: "developer" }, "auth.sign_in", checked.userId, { method });
          return { id: checked.userId, client };
        },
      }),
      ...oauthProviders(config),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (!account || account.type === "credentials") return true;
        const result = await provider(account, user);
        return result.ok ? true : `/sign-in?error=${OAUTH_REFUSALS[result.reason]}`;
      },
      async jwt({ token, user, account }) {
        // On sign-in, open a server-side session; afterwards the token carries only its id.
        if (!user) return { sid: token.sid };
        let userId = user.id;
        if (account && account.type !== "credentials") {
          // `user` is the provider's profile here; the signIn callback has linked it to a Keyway user.
          const linked = await provider(account, user);
          if (!linked.ok) throw new Error("AccessDenied");
          userId = linked.userId;
          await services.accounts.record({ id: userId, role: "developer" }, "auth.sign_in", userId, { method: account.provider });
        }
        return { sid: await services.sessions.open(userId, (user as SignedIn).client) };
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
        const viewer = await services.sessions.resolve(token?.sid).catch(() => null);
        await services.sessions.close(token?.sid);
        if (viewer) await services.accounts.record({ id: viewer.id, role: viewer.role }, "auth.sign_out", viewer.id);
      },
    },
  };
}

/** The portal's /api/auth/[...nextauth] route handler (next-auth is this package's dependency, not the portal's). */
export function authRouteHandler(services: AuthDeps) {
  const options = buildAuthOptions(services);
  return (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) =>
    ctx.params.then((params) => NextAuth(req as never, { params } as never, options) as Promise<Response>);
}

/** The signed-in user behind a session cookie's value; null when it is not one of ours or the session ended. */
export async function viewerFromCookie(services: Pick<AuthDeps, "config" | "sessions">, cookie: string | undefined): Promise<Viewer | null> {
  if (!cookie) return null;
  const jwt = await decode({ token: cookie, secret: services.config.AUTH_SECRET }).catch(() => null);
  return services.sessions.resolve(jwt?.sid);
}
