// Accounts people can trust, in Chromium, with every mail read from the run's mail catcher.
import { enrolTotp, expect, freshCode, goto, mailApi, password, signInAdmin, signOut, signUp, test, unique } from "./fixtures.ts";
import { latestMail, linkIn } from "../test/mailbox.ts";

test("sign up, keys are refused until the mailed link is opened, then a key is created", async ({ page }) => {
  const email = unique("verify");
  await signUp(page, email, "Vera Verify", false);
  await expect(page.getByRole("region", { name: "Email verification" })).toContainText(`We sent a link to ${email}`);
  await page.screenshot({ path: "test-results/screenshots/verify-banner.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/screenshots/verify-banner-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole("button", { name: /Create (your first )?key/ }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("too early");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Verify your email address first");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  const mail = await latestMail(mailApi, email, /Verify your email/);
  expect(mail.html).toContain("Verify my email");
  await page.goto(linkIn(mail, "/verify-email"));
  await expect(page.getByRole("status")).toContainText(`${email} is verified`);
  await page.screenshot({ path: "test-results/screenshots/verified.png" });
  await page.getByRole("link", { name: "Create an API key" }).click();
  await expect(page.getByRole("region", { name: "Email verification" })).toHaveCount(0);
  await page.getByRole("button", { name: /Create (your first )?key/ }).first().click();
  await page.getByRole("dialog").getByLabel("Name").fill("after verifying");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("dialog").getByTestId("new-key")).toHaveValue(/^ys_free_/);
});

test("forgot password: the mailed link sets a new one and the old session's cookie is refused", async ({ page, browser }) => {
  const email = unique("forgot");
  await signUp(page, email, "Fern Forgot");
  const cookies = await page.context().cookies();
  // Another browser asks for the reset.
  const other = await (await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.230" } })).newPage();
  await goto(other, "/sign-in");
  await other.getByRole("link", { name: "Forgot password?" }).click();
  await other.getByLabel("Email").fill(email);
  await other.getByRole("button", { name: "Mail me a link" }).click();
  await expect(other.getByRole("status")).toContainText(`If ${email} has a Keyway account`);
  await goto(other, linkIn(await latestMail(mailApi, email, /Reset your Keyway password/), "/reset-password"));
  await other.getByLabel("New password").fill("a-brand-new-password");
  await other.getByRole("button", { name: "Set new password" }).click();
  await expect(other).toHaveURL(/\/sign-in\?reset=1$/);
  await expect(other.getByRole("status")).toContainText("Your password was changed");
  await other.screenshot({ path: "test-results/screenshots/reset-done.png" });

  // The first browser's session ended on the server: its cookie no longer signs anyone in.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await goto(again, "/keys");
  await expect(again).toHaveURL(/\/sign-in\?next=%2Fkeys$/);
  expect((await again.request.get("/api/trpc/keys.list")).status()).toBe(401);
  // And the new password works.
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill("a-brand-new-password");
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/$/);
});

test("two-factor: enrol, sign out, sign in with a code, then with a recovery code that works once", async ({ page }) => {
  const email = unique("totp");
  await signUp(page, email, "Toni Totp");
  const { secret, codes } = await enrolTotp(page);
  await page.getByRole("button", { name: "I saved them" }).click();
  await expect(page.locator("#two-factor")).toContainText("10 of 10 recovery codes left");
  await page.screenshot({ path: "test-results/screenshots/settings.png", fullPage: true });
  const signInWith = async (code: string) => {
    await signOut(page);
    await expect(page).toHaveURL(/\/sign-in/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Two-factor code").fill(code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
  };
  await signInWith(await freshCode(secret));
  await expect(page).toHaveURL(/\/$/);
  await signInWith(codes[0]!);
  await expect(page).toHaveURL(/\/$/);
  // The same recovery code a second time is refused, beside the code field.
  await signOut(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Two-factor code").fill(codes[0]!);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toHaveText(/That code is not right/);
  await page.screenshot({ path: "test-results/screenshots/sign-in-code.png" });
});

test("an admin without a second factor is sent to enrol before any admin page", async ({ page }) => {
  await signInAdmin(page); // the first time, asserts the redirect to enrolment and enrols (e2e/fixtures.ts)
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Platform overview" })).toBeVisible();
});

test("the session list signs out another browser: its cookie is refused", async ({ page, browser }) => {
  const email = unique("sessions");
  await signUp(page, email, "Sal Sessions");
  const otherContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.231" }, userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15" });
  const other = await otherContext.newPage();
  await goto(other, "/sign-in");
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill(password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/$/);

  await page.goto("/settings#sessions");
  const sessions = page.locator("#sessions");
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions).toContainText("Safari 17 on macOS");
  await expect(sessions).toContainText("this browser");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/screenshots/settings-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
  await sessions.getByRole("button", { name: /^Sign out Safari 17 on macOS/ }).click();
  await expect(sessions.getByRole("listitem")).toHaveCount(1);
  await goto(other, "/keys");
  await expect(other).toHaveURL(/\/sign-in/);
});

test("pages carry a nonce CSP and the hardening headers; tRPC refuses oversized bodies and batches", async ({ page }) => {
  const res = await page.goto("/sign-in");
  const headers = res!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["cache-control"]).toContain("no-store");
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.reload();
  await page.getByLabel("Email").fill("x@example.test"); // the page is hydrated: scripts ran under the CSP
  expect(errors.filter((e) => /Content Security Policy/.test(e))).toEqual([]);

  const big = await page.request.post("/api/trpc/account.requestPasswordReset", { headers: { "content-type": "application/json", origin: new URL(page.url()).origin }, data: "x".repeat(70 * 1024) });
  expect(big.status()).toBe(413);
  const batch = await page.request.get(`/api/trpc/${Array(11).fill("me.get").join(",")}?batch=1&input={}`);
  expect(batch.status()).toBe(400);
  expect((await batch.json()).error.code).toBe("BATCH_TOO_LARGE");
});
