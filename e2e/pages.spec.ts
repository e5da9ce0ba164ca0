// Every page of the portal, signed out, as a developer and as an admin, in the light and the dark
// theme, at 1280 and 390 px: axe-core finds no serious or critical violation, and nothing is wider
// than the screen. Each view is screenshotted (test-results/screenshots/pages/) to be looked at.
import type { Page } from "@playwright/test";
import { createKey, echo, expect, signInAdmin, signUp, test, unique } from "./fixtures.ts";
import { check, settle } from "./look.ts";

/** React's hydration errors (production #418, #423, #425) in the page's console, as they come. */
function hydrationErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m) => m.type() === "error" && /#41[89]|#42[35]|hydrat/i.test(m.text()) && seen.push(`${page.url()}: ${m.text().slice(0, 200)}`));
  return seen;
}

/** Each page's HTML from the server already holds its data (the text) and no loading placeholder. */
async function firstPaintHas(page: Page, pages: [path: string, text: string][]) {
  for (const [path, text] of pages) {
    const html = await (await page.request.get(path)).text();
    expect(html, path).toContain(text);
    expect(html, path).not.toContain('aria-busy="true"');
  }
}

test("signed out: sign-in, sign-up, forgot and reset password, email verification, not found", async ({ page }) => {
  test.setTimeout(120_000);
  for (const [path, name] of [
    ["/sign-in", "sign-in"],
    ["/sign-up", "sign-up"],
    ["/forgot-password", "forgot-password"],
    ["/reset-password?token=not-a-real-token", "reset-password"],
    ["/verify-email?token=not-a-real-token", "verify-email-bad-link"],
    ["/no-such-page", "not-found-signed-out"],
  ] as const) {
    await page.goto(path);
    await check(page, name);
  }
});

test("as a developer with a key and some traffic: every page of the portal", async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, unique("pages"), "Pat Pages");
  const key = await createKey(page, "Production server");
  await page.getByRole("dialog").getByRole("button", { name: "I have saved it" }).click();
  for (let i = 0; i < 12; i++) await echo(page, key);
  // every page below renders on the server with its data, and the browser takes it over without a
  // hydration mismatch (React's production errors #418, #423, #425)
  const hydration = hydrationErrors(page);
  await firstPaintHas(page, [["/keys", "Production server"], ["/", "Last 24 hours"], ["/settings", "Pat Pages"]]);
  for (const [path, name] of [
    ["/", "overview"],
    ["/keys", "keys"],
    ["/usage", "usage"],
    ["/workspace", "members"],
    ["/workspaces/new", "new-workspace"],
    ["/settings", "settings"],
    ["/invite?token=not-a-real-token", "invite-bad-link"],
    ["/no-such-page", "not-found"],
  ] as const) {
    await page.goto(path);
    await check(page, name);
  }
  // the key's page, and why its last requests were answered as they were (10 allowed, then the plan's 10 a minute refused 2)
  await page.goto("/keys");
  await page.getByRole("link", { name: "Production server" }).click();
  const recent = page.getByTestId("recent-verifications").locator("tbody tr");
  await expect(recent).toHaveCount(12);
  await expect(recent.first()).toContainText("Rate-limited");
  await expect(recent.first()).toContainText("the workspace plan's minute limit");
  await expect(recent.last()).toContainText("within every limit");
  await check(page, "key");
  // the keyboard: arrow keys move between the range tabs; the account menu opens, moves and chooses with keys
  await page.goto("/usage");
  await page.getByRole("tab", { name: "Last hour" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "24 hours" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("chart-caption")).toContainText("Requests per hour");
  await page.getByTestId("account-menu").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Settings" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings$/);
  // the time zone, chosen in Settings, is the one every date and chart is written in
  await page.goto("/settings#time-zone");
  await page.getByLabel("Time zone", { exact: true }).selectOption("Asia/Tokyo");
  await expect(page.getByTestId("current-zone")).toHaveText("Asia/Tokyo, UTC+09:00");
  await page.goto("/usage");
  await expect(page.getByTestId("chart-caption")).toContainText("times in Asia/Tokyo, UTC+09:00");
  await page.goto("/settings#time-zone");
  await page.getByLabel("Time zone", { exact: true }).selectOption("");
  await expect(page.getByTestId("current-zone")).not.toContainText("Tokyo");
  // the dialogs and menus, open
  await page.goto("/keys");
  await page.getByRole("button", { name: "Create key" }).first().click();
  await check(page, "keys-create-dialog");
  await page.keyboard.press("Escape");
  await page.getByTestId("account-menu").click();
  await check(page, "account-menu");
  expect(hydration).toEqual([]);
});

test("as an admin: every page of the admin console", async ({ page }) => {
  test.setTimeout(240_000);
  await signInAdmin(page);
  // the lists render on the server with their data, and hydrate without a mismatch
  const hydration = hydrationErrors(page);
  await firstPaintHas(page, [["/admin/tiers", "enterprise"], ["/admin/users", "admin@keyway.local"], ["/admin/workspaces", "Personal"], ["/admin", "Busiest keys"]]);
  for (const [path, name] of [
    ["/admin", "admin-overview"],
    ["/admin/users", "admin-users"],
    ["/admin/workspaces", "admin-workspaces"],
    ["/admin/tiers", "admin-tiers"],
    ["/admin/permissions", "admin-permissions"],
    ["/admin/tokens", "admin-tokens-list"],
    ["/admin/audit", "admin-audit"],
  ] as const) {
    await page.goto(path);
    await check(page, name);
  }
  await page.goto("/admin/users");
  await settle(page);
  await page.goto((await page.locator('a[href^="/admin/users/"]').first().getAttribute("href"))!);
  await check(page, "admin-user");
  await page.goto("/admin/workspaces");
  await settle(page);
  await page.goto((await page.locator('a[href^="/admin/workspaces/"]').first().getAttribute("href"))!);
  await check(page, "admin-workspace");
  expect(hydration).toEqual([]);
});

test("the theme switch applies at once and is kept for the next visit", async ({ page }) => {
  await page.goto("/sign-in");
  const choose = (theme: string) => page.getByRole("group", { name: "Theme" }).getByText(theme, { exact: true }).click();
  await choose("Dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await background();
  await page.reload();
  // rendered dark by the server from the cookie: the first paint is already right
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("radio", { name: "Dark" })).toBeChecked();
  expect(await background()).toBe(dark);
  await page.getByRole("radio", { name: "Light" }).focus();
  await page.keyboard.press("ArrowLeft"); // native radios: arrows move the choice
  await expect(page.getByRole("radio", { name: "System" })).toBeChecked();
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /./);
  await choose("Light");
  expect(await background()).not.toBe(dark);
});
