import { createKey, demo, echo, expect, goto, signInAdmin, signUp, test, unique } from "./fixtures.ts";

test("the admin moves a developer to pro, edits the tier, disables the developer, and reads it all in the audit log", async ({ browser }) => {
  // A developer with a key on the free tier.
  const devContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.201" } });
  const dev = await devContext.newPage();
  const email = unique("promoted");
  await signUp(dev, email, "Parker Promoted");
  const key = await createKey(dev, "billing-service");
  await dev.getByRole("dialog").getByRole("button", { name: "I have saved it" }).click();
  expect((await echo(dev, key)).headers()["x-ratelimit-limit"]).toBe("10");

  // The developer has no way into the console.
  await goto(dev, "/admin");
  await expect(dev.getByRole("heading", { name: "Admins only" })).toBeVisible();
  const forbidden = await dev.request.get("/api/trpc/admin.users.list?input=" + encodeURIComponent(JSON.stringify({ json: {} })));
  expect(forbidden.status()).toBe(403);
  expect((await forbidden.json()).error.json.message).toBe("Admins only.");

  const adminContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.202" } });
  const page = await adminContext.newPage();
  await signInAdmin(page);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { name: "Platform overview" })).toBeVisible();

  // Users: search, open the developer.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Search users").fill(email);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.screenshot({ path: "test-results/screenshots/admin-users.png", fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: "test-results/screenshots/admin-users-375.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole("link", { name: email }).click();
  await expect(page.getByRole("heading", { name: email })).toBeVisible();

  // Free → pro: the key gets pro's 100 a minute on its very next request.
  await page.getByLabel("Tier").selectOption("pro");
  await page.getByRole("button", { name: "Change tier" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Tier changed" })).toBeVisible();
  await expect.poll(async () => (await echo(dev, key)).headers()["x-ratelimit-limit"], { timeout: 1_000 }).toBe("100");

  // Edit the pro tier: a bad edit is refused in words, a good one reaches the key.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Tiers" }).click();
  await page.getByRole("button", { name: "Edit pro" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("tier-reach")).toContainText("on this tier: all their keys get the new limits on their next request");
  await dialog.getByLabel("Per minute").fill("5000");
  await dialog.getByRole("button", { name: "Save tier" }).click();
  // each refusal beside the field it is about, and the field marked invalid
  await expect(dialog.locator("#tier-minute-error")).toHaveText("The per-minute limit (5000) cannot be higher than the per-hour limit (2000).");
  await expect(dialog.getByLabel("Per minute")).toHaveAttribute("aria-invalid", "true");
  await dialog.getByLabel("Per minute").fill("-3");
  await dialog.getByRole("button", { name: "Save tier" }).click();
  await expect(dialog.locator("#tier-minute-error")).toHaveText("The per-minute limit must be at least 1.");
  await expect(dialog.getByRole("alert")).toHaveCount(1); // not a second copy under the form
  await dialog.getByLabel("Per minute").fill("120");
  await dialog.getByRole("button", { name: "Save tier" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("tier-pro")).toContainText("120");
  await expect.poll(async () => (await echo(dev, key)).headers()["x-ratelimit-limit"], { timeout: 1_000 }).toBe("120");
  await page.screenshot({ path: "test-results/screenshots/admin-tiers.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: "test-results/screenshots/admin-tiers-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });
  // A tier someone is on cannot be deleted, and the page says why.
  await expect(page.getByRole("button", { name: "Delete pro" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete pro" })).toHaveAccessibleDescription("In use: move its workspaces first to delete it");

  // Disable the developer: their key is refused and their session ends.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Search users").fill(email);
  await page.getByRole("link", { name: email }).click();
  await page.getByRole("button", { name: "Disable user…" }).click();
  await expect(page.getByRole("dialog")).toContainText("signed out everywhere");
  await page.getByRole("dialog").getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "User disabled" })).toBeVisible();
  await expect.poll(async () => (await echo(dev, key)).status(), { timeout: 1_000 }).toBe(401);
  expect((await (await echo(dev, key)).json()).error.code).toBe("DISABLED_USER");
  await goto(dev, "/keys");
  await expect(dev).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("region", { name: "Keys", exact: true })).toContainText("refused: user disabled");
  // The user page lists the user's workspaces: their personal one, on the tier just set.
  await expect(page.getByRole("region", { name: "Workspaces" }).getByRole("row", { name: /Personal.*owner.*pro/i })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/admin-user.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: "test-results/screenshots/admin-user-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The audit log has each action, with who did it; filter by target.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Target").fill(email);
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toContainText("User disabled");
  await expect(rows.first()).toContainText("user.disable");
  await expect(rows.filter({ hasText: "user.tier" })).toContainText("tier: free → pro");
  await expect(rows.filter({ hasText: "user.tier" })).toContainText(demo.admin.email);
  await page.getByLabel("Target").fill("");
  await page.getByLabel("Action").selectOption("tier.update");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows.first()).toContainText("minute: 100 → 120");
  await expect(rows.first()).toContainText("tier pro");
  await page.getByLabel("Action").selectOption("");
  // days, in the viewer's time zone: today has these rows, tomorrow none, and a range backwards is refused beside the field
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA");
  await page.getByLabel("Target").fill(email);
  await page.getByLabel("First day").fill(day(-1));
  await page.getByLabel("Last day").fill(day(0));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows.first()).toContainText("User disabled");
  await page.getByLabel("First day").fill(day(2));
  await page.getByLabel("Last day").fill(day(3));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No audit entries match.")).toBeVisible();
  await page.getByLabel("Last day").fill(day(1));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.locator("#days-error")).toHaveText("The last day comes before the first.");
  expect((await page.request.get("/api/admin/audit.csv?from=yesterday")).status()).toBe(400);
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(rows.first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/admin-audit.png", fullPage: true });
  // at 1280 px every column fits: nothing behind a sideways scroll
  expect(await page.locator("table").first().evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)).toBeLessThanOrEqual(0);

  // CSV export of the filtered log.
  const csv = await page.request.get("/api/admin/audit.csv?action=user.disable");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^id,at,actor_email/);
  expect(lines.some((l) => l.includes(email) && l.includes("user.disable"))).toBe(true);
  expect((await dev.request.get("/api/admin/audit.csv")).status()).toBe(401);

  // The overview shows the developer's key among the busiest.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Overview" }).click();
  await expect(page.getByTestId("busiest")).toContainText("billing-service", { timeout: 15_000 });
  await page.screenshot({ path: "test-results/screenshots/admin-overview.png", fullPage: true });

  // Put pro back for whoever comes next.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Tiers" }).click();
  await page.getByRole("button", { name: "Edit pro" }).click();
  await page.getByRole("dialog").getByLabel("Per minute").fill("100");
  await page.getByRole("dialog").getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await devContext.close();
  await adminContext.close();
});

test("the admin makes a customer's workspace, finds it by its external id, and changes its plan", async ({ page }) => {
  await signInAdmin(page);
  await page.goto("/admin/workspaces");
  await page.getByRole("button", { name: "New customer workspace" }).click();
  const dialog = page.getByRole("dialog");
  const externalId = `cus_${Date.now().toString(36)}`;
  await dialog.getByLabel("Name").fill("Globex Corporation");
  await dialog.getByLabel(/External id/).fill(externalId);
  await dialog.getByLabel("Tier").selectOption("pro");
  await dialog.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Globex Corporation" })).toBeVisible();
  await expect(page.getByText("Customer workspace (no members)")).toBeVisible();

  // the same external id twice is refused in words
  await page.goto("/admin/workspaces");
  await page.getByRole("button", { name: "New customer workspace" }).click();
  await dialog.getByLabel("Name").fill("Globex again");
  await dialog.getByLabel(/External id/).fill(externalId);
  await dialog.getByRole("button", { name: "Create workspace" }).click();
  await expect(dialog.getByRole("alert")).toContainText("exists already");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByLabel("Search workspaces").fill(externalId);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByRole("link", { name: "Globex Corporation" }).click();
  await page.getByLabel("Per minute").fill("50");
  await page.getByRole("button", { name: "Save overrides" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Plan overrides saved" })).toBeVisible();
  await expect(page.getByText("In force now: 50/minute")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/admin-workspace.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/screenshots/admin-workspace-390.png", fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
