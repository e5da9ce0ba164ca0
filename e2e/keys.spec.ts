import { createKey, echo, expect, goto, signOut, signUp, test, unique } from "./fixtures.ts";

test("sign up, create a key, copy it, call the API, roll, revoke: the old key is refused", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, unique(), "Robin Tester");
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/keys-empty.png", fullPage: true });

  const key = await createKey(page, "Production server");
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("it will not be shown again")).toBeVisible();
  await expect(dialog.locator("code")).toContainText(`/api/v1/echo -H "Authorization: Bearer ${key}"`);
  await dialog.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await page.screenshot({ path: "test-results/screenshots/keys-new-key.png" });
  await dialog.getByRole("button", { name: "I have saved it" }).click();

  const first = await echo(page, key);
  expect(first.status()).toBe(200);
  expect(first.headers()["x-ratelimit-limit"]).toBe("10");

  const row = page.getByRole("row", { name: /Production server/ });
  await expect(row.getByText("active")).toBeVisible();
  await expect(page.getByRole("cell", { name: key.slice(0, key.lastIndexOf("_")) + "_…" })).toBeVisible();
  // "Last used" follows the request without a reload (read from Redis before any flush; the list
  // refreshes every 10 s).
  await expect(row.getByTestId("last-used")).toHaveText("just now", { timeout: 20_000 });
  await page.screenshot({ path: "test-results/screenshots/keys-list.png", fullPage: true });
  // at 1280 px the whole table fits: no action behind a sideways scroll
  expect(await page.locator("table").first().evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)).toBeLessThanOrEqual(0);

  // the key's page: why each request was answered as it was, renaming with Save, the history
  await echo(page, key);
  await row.getByRole("link", { name: "Production server" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Production server" })).toBeVisible();
  const recent = page.getByTestId("recent-verifications").locator("tbody tr");
  await expect(recent).toHaveCount(2);
  await expect(recent.first()).toContainText("within every limit");
  await expect(recent.first()).toContainText(/198\.51\.\d+\.\d+/); // this test's own client address (fixtures.ts), through the portal
  await expect(page.getByTestId("limit-minute")).toContainText("none");
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByLabel("Key name").fill("   ");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#key-name-error")).toHaveText("Give the key a name."); // beside the field; nothing saved
  await page.getByLabel("Key name").fill("Prod API");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Prod API" })).toBeVisible();
  await expect(page.getByTestId("key-events")).toContainText("renamed it from “Production server” to “Prod API”");
  // metadata: a JSON object, checked beside the field, then returned by the API for this key
  await page.getByRole("button", { name: "Edit metadata" }).click();
  await page.getByLabel("Metadata (JSON)").fill("[1, 2]");
  await page.getByRole("button", { name: "Save metadata" }).click();
  await expect(page.locator("#key-metadata-error")).toContainText("Metadata is a JSON object");
  await page.getByLabel("Metadata (JSON)").fill('{"plan": "gold", "seats": 5}');
  await page.getByRole("button", { name: "Save metadata" }).click();
  await expect(page.getByTestId("metadata")).toContainText('"gold"');
  await expect(page.getByTestId("key-events")).toContainText("changed its metadata");
  await page.getByRole("link", { name: "← API keys" }).click();

  // roll, old key stops immediately
  await page.getByRole("row", { name: /Prod API/ }).first().getByRole("button", { name: "Roll" }).click();
  await page.getByRole("dialog").getByLabel("Old key stops").selectOption("0");
  await page.getByRole("dialog").getByRole("button", { name: "Roll key" }).click();
  const rolled = await page.getByRole("dialog").getByTestId("new-key").inputValue();
  await page.getByRole("dialog").getByRole("button", { name: "I have saved it" }).click();
  expect(rolled).not.toBe(key);
  const old = await echo(page, key);
  expect(old.status()).toBe(401);
  expect((await old.json()).error.code).toBe("REVOKED");
  expect((await echo(page, rolled)).status()).toBe(200);

  // revoke asks first; Cancel changes nothing
  const live = page.getByRole("row").filter({ hasText: "active" });
  await live.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("dialog")).toContainText("This cannot be undone.");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  expect((await echo(page, rolled)).status()).toBe(200);
  await live.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  const after = await echo(page, rolled);
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("REVOKED");
  // revoked keys are out of the way until asked for; the rolled one says what replaced it
  await expect(page.getByRole("row").filter({ hasText: "Prod API" })).toHaveCount(0);
  await page.getByLabel("Show revoked (2)").check();
  await expect(page.getByRole("row").filter({ hasText: "revoked" })).toHaveCount(2);
  await expect(page.getByRole("row").filter({ hasText: "replaced by" })).toHaveCount(1);
  await page.getByLabel("Search keys").fill("no such key");
  await expect(page.getByText("No key matches")).toBeVisible();
});

test("a second user sees none of the first user's keys, in the UI or through tRPC", async ({ browser }) => {
  const alice = await browser.newContext();
  const a = await alice.newPage();
  await signUp(a, unique(), "Alice");
  await createKey(a, "alice-secret-key");
  const list = await a.request.get("/api/trpc/keys.list");
  const aliceKeyId = (await list.json()).result.data.json[0].id as string;

  const bob = await browser.newContext();
  const b = await bob.newPage();
  await signUp(b, unique(), "Bob");
  await expect(b.getByText("alice-secret-key")).toHaveCount(0);
  const bobList = await b.request.get("/api/trpc/keys.list");
  expect((await bobList.json()).result.data.json).toEqual([]);
  const steal = await b.request.post("/api/trpc/keys.revoke", {
    headers: { "content-type": "application/json", origin: new URL(b.url()).origin },
    data: { json: { id: aliceKeyId } },
  });
  expect(steal.status()).toBe(404);
  const crossSite = await b.request.post("/api/trpc/keys.revoke", {
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    data: "id=" + aliceKeyId,
  });
  expect(crossSite.status()).toBe(403);
  const stillThere = await a.request.get("/api/trpc/keys.list");
  expect((await stillThere.json()).result.data.json[0].status).toBe("active");
  await alice.close();
  await bob.close();
});

test("after sign-out, replaying the old session cookie is refused", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, unique(), "Replay Tester");
  const cookies = await context.cookies();
  await signOut(page);
  await expect(page).toHaveURL(/\/sign-in/);

  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await goto(again, "/keys");
  await expect(again).toHaveURL(/\/sign-in\?next=%2Fkeys$/);
  const api = await again.request.get("/api/trpc/keys.list");
  expect(api.status()).toBe(401);
  await context.close();
  await replay.close();
});

test("hostile names render as text, and batches of mutations on another user's key changes nothing", async ({ browser }) => {
  const alice = await browser.newContext();
  const a = await alice.newPage();
  let dialogs = 0;
  a.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  await signUp(a, unique(), "Alice <b>bold</b>");
  const hostile = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
  await createKey(a, hostile);
  await a.getByRole("dialog").getByRole("button", { name: "I have saved it" }).click();
  await expect(a.getByRole("link", { name: hostile })).toBeVisible(); // the name, as text
  await a.getByRole("link", { name: hostile }).click();
  await expect(a.getByRole("heading", { level: 1, name: hostile })).toBeVisible(); // and on its page
  expect(await a.locator("main img, main script").count()).toBe(0);
  await goto(a, "/keys");
  expect(await a.locator("main img, main script").count()).toBe(0);
  expect(dialogs).toBe(0);
  const aliceKeyId = ((await (await a.request.get("/api/trpc/keys.list")).json()).result.data.json[0].id) as string;

  const bob = await browser.newContext();
  const b = await bob.newPage();
  await signUp(b, unique(), "Bob");
  const origin = new URL(b.url()).origin;
  const attempt = (n: number) => {
    const batch = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "keys.rename" : "keys.revoke")).join(",");
    const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: i % 2 === 0 ? { id: aliceKeyId, name: `stolen ${i}` } : { id: aliceKeyId } }]));
    return b.request.post(`/api/trpc/${batch}?batch=1`, { headers: { "content-type": "application/json", origin }, data: input });
  };
  // A batch of 100 is refused whole, before any procedure runs; one of 10 runs, and changes nothing.
  const hundred = await attempt(100);
  expect(hundred.status()).toBe(400);
  expect((await hundred.json()).error.code).toBe("BATCH_TOO_LARGE");
  const results = (await (await attempt(10)).json()) as { error?: { json: { data: { code: string } } } }[];
  expect(results).toHaveLength(10);
  expect(results.every((r) => r.error?.json.data.code === "NOT_FOUND")).toBe(true);
  const after = (await (await a.request.get("/api/trpc/keys.list")).json()).result.data.json[0];
  expect(after).toMatchObject({ id: aliceKeyId, name: hostile, status: "active" });
  await alice.close();
  await bob.close();
});
