import { expect, test } from "@playwright/test";

const developer = { email: "dev@keyway.local", password: "keyway-dev-pass" };

test("a signed-out visitor is sent to sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in to Keyway" })).toBeVisible();
});

test("a wrong password shows a readable error and no session", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(developer.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText("That email and password do not match an account.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("the demo developer signs in from the keyboard and sees their plan", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(developer.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(developer.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Welcome, Dana Developer" })).toBeVisible();
  await expect(page.getByTestId("tier-name")).toHaveText("free");
  await expect(page.getByText("per minute")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/home.png", fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});
