// Auth.js (next-auth 4) configuration: the one place sign-in is decided.
// The cookie is a signed JWT that carries only a server-side session id ("sid"); every request
// resolves it against PostgreSQL, so sign-out, disabling and role changes take effect at once.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Services } from "../services/index.ts";
import { SESSION_MAX_AGE_S, type Viewer } from "../services/sessions.ts";

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

export function buildAuthOptions(services: Services): NextAuthOptions {
  return {
    secret: services.config.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials) {
          const email = String(credentials?.email ?? "").slice(0, 320);
          const password = String(credentials?.password ?? "").slice(0, 1024);
          if (!email || !password) return null;
          const id = await services.users.checkPassword(email, password);
          return id ? { id } : null;
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        // On sign-in, open a server-side session; afterwards the token carries only its id.
        if (user) return { sid: await services.sessions.open(user.id) };
        return { sid: token.sid };
      },
      async session({ token }) {
        const viewer = await services.sessions.resolve(token.sid);
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
