// Service tokens in the browser: an admin makes one with a scope (shown once, never again), a
// service verifies a key with it, the admin revokes it (asked first) and the service is refused.
import { createKey, expect, goto, signInAdmin, test } from "./fixtures.ts";
import { check } from "./look.ts";

test("an admin creates a scoped service token (shown once), a service verifies with it, and revoking stops it", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAdmin(page);
  await goto(page, "/keys");
  const key = await createKey(page, "Checked by billing", "[a-z0-9]+");
  await page.getByRole("dialog").getByRole("button", { name: "I have saved it" }).click();

  await goto(page, "/admin/tokens");
  const name = `billing ${Date.now().toString(36).slice(-5)}`;
  await page.getByRole("button", { name: "New service token" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("checkbox", { name: /keys\.verify/ }).uncheck();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByRole("alert").filter({ hasText: "Choose at least one scope." })).toBeVisible(); // beside the scopes; nothing made
  await dialog.getByRole("checkbox", { name: /keys\.verify/ }).check();
  await check(page, "admin-tokens-new");
  await dialog.getByRole("button", { name: "Create token" }).click();
  const token = await dialog.getByTestId("new-key").inputValue();
  expect(token).toMatch(/^kws_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/);
  await page.keyboard.press("Escape"); // the secret's window stays until it is saved
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "I have saved it" }).click();

  const row = page.getByTestId(`token-${name}`);
  await expect(row).toContainText("keys.verify");
  await expect(row).toContainText("active");
  await expect(page.locator("body")).not.toContainText(token.slice(token.lastIndexOf("_") + 1)); // never shown again

  const verify = async () => page.request.post("/api/v1/keys/verify", { headers: { authorization: `Bearer ${token}` }, data: { key } });
  expect(await (await verify()).json()).toMatchObject({ valid: true });
  await page.reload();
  await expect(row).not.toContainText("Never", { timeout: 10_000 }); // last used
  await check(page, "admin-tokens");

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("dialog")).toContainText("This cannot be undone.");
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("revoked");
  await expect.poll(async () => (await verify()).status(), { timeout: 10_000, intervals: [1_000] }).toBe(401);
});
