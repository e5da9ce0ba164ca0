import { expect, mailApi, test } from "./fixtures.ts";
import { latestMail, linkIn } from "../test/mailbox.ts";

test("requests made through the API appear in the usage chart and the quota, without a reload", async ({ page }) => {
  const email = `usage-${Date.now().toString(36)}@example.test`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Uma Usage");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/:\d+\/$/);
  await page.goto(linkIn(await latestMail(mailApi, email, /Verify your email/), "/verify-email"));
  await expect(page.getByRole("status")).toContainText("is verified");
  await page.goto("/keys");
  // A new account's overview walks through the first steps.
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { name: "Get started" })).toBeVisible();
  await expect(page.getByTestId("step-1")).toHaveAttribute("data-done", "false");
  await page.screenshot({ path: "test-results/screenshots/get-started.png", fullPage: true });
  await page.getByRole("link", { name: "Go to API keys" }).click();
  await page.getByRole("button", { name: "Create your first key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("charts");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const key = await page.getByRole("dialog").getByTestId("new-key").inputValue();
  await page.getByRole("dialog").getByRole("button", { name: "I have saved it" }).click();

  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await page.getByLabel("Key").selectOption({ label: `charts (${key.slice(0, key.lastIndexOf("_"))})` });
  await expect(page.getByTestId("total-requests")).toHaveText("0");

  // free tier: 10 per minute, so 12 requests give 10 successes and 2 refusals
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await page.request.get("/api/v1/echo", { headers: { "x-api-key": key } })).status());
  expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(2);

  await expect(page.getByTestId("total-requests")).toHaveText("12", { timeout: 10_000 });
  await expect(page.getByTestId("total-successful")).toHaveText("10");
  await expect(page.getByTestId("total-rate-limited")).toHaveText("2");
  await expect(page.getByTestId("quota-minute")).toContainText("10 of 10 used · 0 left");
  await expect(page.getByTestId("quota-minute")).toContainText("workspace plan, all its keys");
  await expect(page.getByTestId("quota-month")).toContainText("10 of 10,000 used");
  await expect(page.getByTestId("chart-caption")).toHaveText(/^Requests per minute · times in (UTC|\S+, UTC[+-]\d\d:\d\d) change$/);
  await expect(page.getByTestId("quota-minute")).toContainText("rolling minute: all free again by");
  await page.getByText("Show the numbers as a table").click();
  await page.screenshot({ path: "test-results/screenshots/usage.png", fullPage: true });

  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: "test-results/screenshots/usage-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // With a key that has been used, the walkthrough is done and makes way.
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByTestId("tier-name")).toHaveText("free");
  await expect(page.getByRole("heading", { name: "Get started" })).toBeHidden({ timeout: 15_000 });
});
