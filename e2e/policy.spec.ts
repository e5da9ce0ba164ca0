// Keys that carry policy, in the browser: an admin adds permissions to the catalogue, creates a
// restricted test key by ticking one, sees its badge and permissions, and the API refuses it a
// permission it lacks (INSUFFICIENT_PERMISSIONS, naming it) while admitting the one it holds.
import { expect, goto, signInAdmin, test } from "./fixtures.ts";
import { check } from "./look.ts";

const serviceToken = process.env.KEYWAY_SERVICE_TOKEN!;

test("a restricted test key: ticked permissions, its badge, and INSUFFICIENT_PERMISSIONS for one it lacks", async ({ page }) => {
  test.setTimeout(180_000);
  const tag = Date.now().toString(36).slice(-5);
  const [read, write] = [`orders${tag}.read`, `orders${tag}.write`];
  await signInAdmin(page);

  // the catalogue: a bad name is refused beside the field, then two permissions are added
  await goto(page, "/admin/permissions");
  await page.getByLabel("Name").fill("orders read");
  await page.getByRole("button", { name: "Add permission" }).click();
  await expect(page.locator("#perm-name-error")).toContainText("letters, digits");
  for (const [name, description] of [[read, "Read orders"], [write, "Create and change orders"]] as const) {
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Description").fill(description);
    await page.getByRole("button", { name: "Add permission" }).click();
    await expect(page.getByTestId(`permission-${name}`)).toBeVisible();
  }
  await check(page, "admin-permissions-filled");

  // a restricted test key: only orders.read ticked
  await goto(page, "/keys");
  await page.getByRole("button", { name: /Create (your first )?key/ }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Orders reader");
  await dialog.getByRole("radio", { name: /^Test/ }).check();
  await dialog.getByRole("checkbox", { name: new RegExp(read.replace(".", "\\.")) }).check();
  await expect(dialog.getByRole("button", { name: "Create restricted key" })).toBeVisible();
  await check(page, "keys-create-restricted");
  await dialog.getByRole("button", { name: "Create restricted key" }).click();
  const key = await dialog.getByTestId("new-key").inputValue();
  await dialog.getByRole("button", { name: "I have saved it" }).click();

  const row = page.getByRole("row", { name: /Orders reader/ });
  await expect(row.getByTestId("test-badge")).toHaveText("Test");
  await expect(row.getByText("Restricted")).toBeVisible();
  // the list filters by environment
  await page.getByLabel("Environment").selectOption("live");
  await expect(page.getByRole("row", { name: /Orders reader/ })).toHaveCount(0);
  await page.getByLabel("Environment").selectOption("test");
  await expect(row).toBeVisible();
  await check(page, "keys-test-filter");

  // the platform's service asks for permissions when it verifies the key
  const verify = async (permissions: string) =>
    (await page.request.post("/api/v1/keys/verify", { headers: { authorization: `Bearer ${serviceToken}` }, data: { key, permissions } })).json();
  expect(await verify(read)).toMatchObject({ valid: true, environment: "test", permissions: [read] });
  expect(await verify(`${read} AND ${write}`)).toMatchObject({ valid: false, code: "INSUFFICIENT_PERMISSIONS", missing: write });

  // its page: the badge, what it holds, and why the last request was refused
  await row.getByRole("link", { name: "Orders reader" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Orders reader" })).toBeVisible();
  await expect(page.getByTestId("test-badge")).toBeVisible();
  await expect(page.getByTestId("key-permissions")).toContainText(read);
  await expect(page.getByTestId("key-permissions")).not.toContainText(write);
  const recent = page.getByTestId("recent-verifications").locator("tbody tr");
  await expect(recent.first()).toContainText("Refused: permissions", { timeout: 15_000 });
  await expect(recent.nth(1)).toContainText("Allowed");

  // an admin grants the missing permission on the key's page: the same query passes at once
  await page.getByRole("button", { name: "Edit permissions" }).click();
  await page.getByRole("checkbox", { name: new RegExp(write.replace(".", "\\.")) }).check();
  await page.getByRole("button", { name: "Save permissions" }).click();
  await expect(page.getByTestId("key-permissions")).toContainText(write);
  await expect.poll(async () => (await verify(`${read} AND ${write}`)).valid).toBe(true);

  // an allowlist entry that is not an address is refused beside the field
  await page.getByRole("button", { name: "Edit allowlist" }).click();
  await page.getByLabel("Addresses and ranges, one per line").fill("10.0.0.0/33");
  await page.getByRole("button", { name: "Save allowlist" }).click();
  await expect(page.locator("#key-allowlist-error")).toContainText("10.0.0.0/33");
  await page.getByRole("button", { name: "Cancel" }).click();
  await check(page, "key-restricted");
});
