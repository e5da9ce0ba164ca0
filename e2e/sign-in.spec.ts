import { demo, expect, signUp, test, unique } from "./fixtures.ts";

const developer = demo.developer;

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

test("sign-in attempts on one account are throttled with a clear message", async ({ page }) => {
  const email = unique("throttle");
  await signUp(page, email, "Theo Throttle");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  // Sign-up signed in once; four wrong passwords make five attempts this minute.
  for (let i = 0; i < 4; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-password-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText("That email and password do not match an account.");
  }
  // The right password now waits too: the account is over its 5 attempts a minute.
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText(/^Too many attempts\. Try again in \d+ seconds?\.$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});
