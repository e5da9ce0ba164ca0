// Shared steps of the browser tests. Each test browses from its own made-up client address (the
// portal takes the nearest X-Forwarded-For entry), so the per-address sign-in and sign-up
// throttles count one visitor per test, as in real use, instead of the whole suite.
import { expect, test as base, type Page } from "@playwright/test";

let visitor = 0;
export const test = base.extend({
  extraHTTPHeaders: async ({}, use) => {
    visitor += 1;
    await use({ "x-forwarded-for": `203.0.113.${visitor % 250}, 198.51.${process.pid % 250}.${visitor % 250}` });
  },
});
export { expect };

export const password = "correct-horse-battery";
export const unique = (what = "dev") => `${what}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@example.test`;
export const demo = {
  developer: { email: "dev@keyway.local", password: "keyway-dev-pass" },
  admin: { email: "admin@keyway.local", password: "keyway-admin-pass" },
};

export async function signUp(page: Page, email: string, name: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/keys$/);
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Creates a key through the dialog and returns the secret it shows once (the dialog stays open). */
export async function createKey(page: Page, name: string, tier = "free"): Promise<string> {
  await page.getByRole("button", { name: /Create (your first )?key/ }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const key = await dialog.getByTestId("new-key").inputValue();
  expect(key).toMatch(new RegExp(`^ys_${tier}_[0-9A-Za-z]{16}_[0-9A-Za-z]{39}$`));
  return key;
}

export const echo = (page: Page, key: string) => page.request.get("/api/v1/echo", { headers: { authorization: `Bearer ${key}` } });
