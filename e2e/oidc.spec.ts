import type { Page } from "@playwright/test";
import { demo, expect, signOut, test } from "./fixtures.ts";

// The portal runs with OIDC_ISSUER pointing at test/oidc-provider.ts (see playwright.config.ts).

async function ssoLogin(page: Page, login: string | null) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Test SSO" }).click();
  // Still signed in at the provider: it sends the browser straight back.
  if (login === null) return;
  // node-oidc-provider's development login and consent forms.
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any-password");
  await page.locator("button[type=submit]").click();
  const consent = page.locator("button[type=submit]", { hasText: /continue/i });
  if (await consent.isVisible().catch(() => false)) await consent.click();
}

test("a new person signs in with single sign-on and lands on their own, empty account", async ({ page }) => {
  const login = `sso${Date.now().toString(36)}`;
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Continue with Test SSO" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/sign-in-sso.png" });
  await page.goto("/sign-up");
  await expect(page.getByRole("button", { name: "Continue with Test SSO" })).toBeVisible();
  await ssoLogin(page, login);
  await expect(page).toHaveURL(/localhost:3107\/$/);
  await expect(page.getByRole("heading", { name: `Welcome, SSO ${login}` })).toBeVisible();
  await expect(page.getByTestId("viewer-email")).toHaveText(`${login}@sso.example.test`);
  await expect(page.getByTestId("tier-name")).toHaveText("free");

  // Signing out of Keyway and in again (still signed in at the provider) finds the same account.
  await signOut(page);
  await expect(page).toHaveURL(/\/sign-in/);
  await ssoLogin(page, null);
  await expect(page.getByTestId("viewer-email")).toHaveText(`${login}@sso.example.test`);
});

test("single sign-on never takes over an existing password account with the same email", async ({ page }) => {
  await ssoLogin(page, demo.developer.email);
  await expect(page).toHaveURL(/\/sign-in\?error=OAuthEmailInUse/);
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText("An account with that email already exists. Sign in with your email and password.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});
