// A real OpenID Connect provider (node-oidc-provider) for the browser tests of "sign in with
// OIDC": discovery, authorization code + PKCE, signed ID tokens. Its development login form accepts
// any login; the login becomes the subject, and the email when it contains an @.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 3108);
const portal = process.env.PORTAL_URL ?? "http://localhost:3107";

const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: "keyway-e2e",
      client_secret: "keyway-e2e-secret-keyway-e2e-secret",
      redirect_uris: [`${portal}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(_ctx, id: string) {
    return {
      accountId: id,
      async claims() {
        const email = id.includes("@") ? id : `${id}@sso.example.test`;
        return { sub: id, email, email_verified: true, name: `SSO ${id.split("@")[0]}` };
      },
    };
  },
});
provider.proxy = false;
provider.listen(port, () => console.log(`oidc provider on http://localhost:${port}`));
