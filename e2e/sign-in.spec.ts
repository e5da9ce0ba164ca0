import { demo, expect, signIn, signOut, signUp, test, unique } from "./fixtures.ts";

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
  await expect(page.getByTestId("quota-minute")).toContainText("workspace plan, all its keys");
  await expect(page.getByText(/all the keys of the Personal workspace together/)).toBeVisible();
  // on a fresh load the first tab stop skips the header to the page's content
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
  await page.screenshot({ path: "test-results/screenshots/home.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: "test-results/screenshots/home-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });

  // an unknown address is a page with a way back, not a dead end
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "There is no page here" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the overview" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, Dana Developer" })).toBeVisible();

  await signOut(page);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-in attempts on one account are throttled with a clear message", async ({ page }) => {
  const email = unique("throttle");
  await signUp(page, email, "Theo Throttle");
  await signOut(page);
  await expect(page).toHaveURL(/\/sign-in/);
  // Only failures count: five wrong passwords from this browser's address this minute.
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-password-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText("That email and password do not match an account.");
  }
  // The right password now waits too, from this address (another address is not held back).
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText(/^Too many attempts\. Try again in \d+ seconds?\.$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("with the database unreachable, a signed-in page explains what is wrong instead of failing blankly", async ({ page }) => {
  await signIn(page, developer);
  // The same browser (cookies are per host, not per port) on a portal whose PostgreSQL is down.
  const broken = `http://localhost:${Number(new URL(page.url()).port) + 2}`;
  await page.goto(`${broken}/keys`);
  await expect(page.getByRole("heading", { name: "Keyway is having trouble right now" })).toBeVisible();
  const box = page.getByRole("alert").filter({ hasText: "Keyway is having trouble" });
  await expect(box).toContainText("The portal cannot reach the database.");
  await expect(box).toContainText("API keys already in use keep working");
  await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/database-down.png" });
  expect(await page.content()).not.toMatch(/ECONNREFUSED|at .+\.ts:\d+/);
  // tRPC says the same in JSON, and signing in says so instead of "wrong password".
  const trpc = await page.request.get(`${broken}/api/trpc/keys.list`);
  expect(trpc.status()).toBe(503);
  expect((await trpc.json()).error.code).toBe("SERVICE_UNAVAILABLE");
  await page.context().clearCookies();
  await page.goto(`${broken}/sign-in`);
  await page.getByLabel("Email").fill(developer.email);
  await page.getByLabel("Password").fill(developer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText("Keyway cannot reach its database right now. Try again in a moment.");
  // Back on the working portal, the browser signs in as usual: nothing was broken for good.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(developer.email);
  await page.getByLabel("Password").fill(developer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("tier-name")).toHaveText("free");
});
