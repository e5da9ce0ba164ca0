// Shared steps of the browser tests. Each test browses from its own made-up client address (the
// portal takes the nearest X-Forwarded-For entry), so the per-address sign-in and sign-up
// throttles count one visitor per test, as in real use, instead of the whole suite.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { expect, test as base, type Page } from "@playwright/test";
import { generate } from "otplib";
import { latestMail, linkIn } from "../test/mailbox.ts";

/**
 * Opens a page and waits until its script has taken over (the portal marks <html data-hydrated>):
 * pages are rendered on the server, and before that a click does nothing and typing into a
 * controlled field is lost, as it would be for a very quick person.
 */
export async function goto(page: Page, url: string) {
  const response = await page.goto(url);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 15_000 }).catch(() => {});
  return response;
}

let visitor = 0;
export const test = base.extend({
  extraHTTPHeaders: async ({}, use) => {
    visitor += 1;
    await use({ "x-forwarded-for": `203.0.113.${visitor % 250}, 198.51.${process.pid % 250}.${visitor % 250}` });
  },
  // the test's own page: every goto waits for the page to be live (see goto)
  page: async ({ page }, use) => {
    const plain = page.goto.bind(page);
    page.goto = async (url, options) => {
      const response = await plain(url, options);
      await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 15_000 }).catch(() => {});
      return response;
    };
    await use(page);
  },
});
export { expect };

export const password = "correct-horse-battery";
export const unique = (what = "dev") => `${what}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@example.test`;
/** The demo accounts the test command's seed created, with this installation's random passwords (.keyway/dev.env). */
export const demo = {
  developer: { email: "dev@keyway.local", password: process.env.KEYWAY_DEMO_DEVELOPER_PASSWORD! },
  admin: { email: "admin@keyway.local", password: process.env.KEYWAY_DEMO_ADMIN_PASSWORD! },
};
/** The run's mail catcher (maildev): its REST API lists every mail the portal sent. */
export const mailApi = process.env.KEYWAY_MAIL_API!;

/** Signs up (landing on the overview); unless `verify` is false, opens the mailed link as the person would; ends on the keys page. */
export async function signUp(page: Page, email: string, name: string, verify = true) {
  await goto(page, "/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/:\d+\/$/);
  if (!verify) {
    await goto(page, "/keys");
    return;
  }
  await goto(page, linkIn(await latestMail(mailApi, email, /Verify your email/), "/verify-email"));
  await expect(page.getByRole("status")).toContainText("is verified");
  await goto(page, "/keys");
}

/**
 * A TOTP code for `secret` that has not been used yet: Keyway refuses a code's time step twice.
 * The steps used are kept in a file, as Playwright starts a new worker process after a failure.
 */
const stepsFile = `test-results/e2e-totp-steps-${new URL(process.env.DATABASE_URL ?? "postgresql://x/run").pathname.slice(1)}.json`;
const usedSteps = (): Record<string, number> => (existsSync(stepsFile) ? (JSON.parse(readFileSync(stepsFile, "utf8")) as Record<string, number>) : {});
export async function freshCode(secret: string): Promise<string> {
  let step = Math.floor(Date.now() / 30_000);
  if ((usedSteps()[secret] ?? -1) >= step) {
    await new Promise((r) => setTimeout(r, (step + 1) * 30_000 - Date.now() + 200));
    step = Math.floor(Date.now() / 30_000);
  }
  mkdirSync("test-results", { recursive: true });
  writeFileSync(stepsFile, JSON.stringify({ ...usedSteps(), [secret]: step }));
  return generate({ secret });
}

/** The demo admin's TOTP secret, kept for the run once a test enrolled it. */
const adminSecretFile = `test-results/e2e-admin-totp-${new URL(process.env.DATABASE_URL ?? "postgresql://x/run").pathname.slice(1)}.txt`;
export const adminSecret = () => (existsSync(adminSecretFile) ? readFileSync(adminSecretFile, "utf8").trim() : null);

/** Enrols the signed-in user in two-factor sign-in on the settings page; returns the secret and the recovery codes. */
export async function enrolTotp(page: Page): Promise<{ secret: string; codes: string[] }> {
  await goto(page, "/settings#two-factor");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("Code from the app").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
  return { secret, codes };
}

/** Signs the demo admin in, enrolling its second factor the first time (admins must have one). */
export async function signInAdmin(page: Page) {
  const secret = adminSecret();
  await goto(page, "/sign-in");
  await page.getByLabel("Email").fill(demo.admin.email);
  await page.getByLabel("Password").fill(demo.admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (secret) {
    await page.getByLabel("Two-factor code").fill(await freshCode(secret));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
  }
  await expect(page).toHaveURL(/\/$/);
  if (!secret) {
    // Without a second factor, the admin console sends the admin to enrol first.
    await goto(page, "/admin");
    await expect(page).toHaveURL(/\/settings\?enrol=admin#two-factor$/);
    await expect(page.getByRole("alert").filter({ hasText: "Admins must use two-factor sign-in" })).toBeVisible();
    const { secret: made } = await enrolTotp(page);
    mkdirSync("test-results", { recursive: true });
    writeFileSync(adminSecretFile, made);
    await page.getByRole("button", { name: "I saved them" }).click();
  }
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await goto(page, "/sign-in");
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

/** Signs out from the header's account menu. */
export async function signOut(page: Page) {
  await page.getByTestId("account-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
}
