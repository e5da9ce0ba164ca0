// A team in Chromium: made, people invited by a mail read from the run's mail catcher, roles
// that show in the UI and hold in tRPC, and a removed member who loses the workspace at once.
import type { Page } from "@playwright/test";
import { createKey, echo, expect, goto, mailApi, signUp, test, unique } from "./fixtures.ts";
import { latestMail, linkIn } from "../test/mailbox.ts";

const trpcPost = (page: Page, path: string, json: unknown) =>
  page.request.post(`/api/trpc/${path}`, { headers: { "content-type": "application/json", origin: new URL(page.url()).origin }, data: { json } });

/** Screenshots at 1280 and 390 px; nothing may be wider than the phone's screen. */
async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `test-results/screenshots/${name}-390.png`, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });
}

async function invite(page: Page, email: string, role: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation mailed to ${email}`);
}

test("a team: invite by mail, a member's key seen by the owner, a viewer who cannot create keys, a removed member locked out", async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await (await browser.newContext()).newPage();
  await signUp(owner, unique("owner"), "Olivia Owner");
  await owner.getByTestId("workspace-switcher").click();
  await owner.getByRole("menuitem", { name: "+ Create a team workspace" }).click();
  await owner.getByRole("button", { name: "Create team" }).click();
  await expect(owner.locator("#name-error")).toHaveText("Name the workspace.");
  await owner.getByLabel("Name").fill("Acme Robotics");
  await owner.getByRole("button", { name: "Create team" }).click();
  await expect(owner).toHaveURL(/\/workspace$/);
  await expect(owner.getByRole("heading", { name: "Acme Robotics" })).toBeVisible();
  await expect(owner.getByTestId("workspace-switcher")).toContainText("Acme Robotics");

  const devEmail = unique("dev");
  const viewerEmail = unique("viewer");
  await owner.getByLabel("Email address").fill("not-an-address");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.locator("#invite-error")).toContainText("Enter a valid email address");
  await invite(owner, devEmail, "developer");
  await invite(owner, viewerEmail, "viewer");
  await expect(owner.getByTestId(`invitation-${devEmail}`)).toContainText("Developer");
  await shoot(owner, "workspace-members");

  // the developer signs up, opens the mailed link and joins
  const dev = await (await browser.newContext()).newPage();
  await signUp(dev, devEmail, "Dan Developer");
  const mail = await latestMail(mailApi, devEmail, /invited you to Acme Robotics/);
  expect(mail.text).toContain("Olivia Owner");
  await goto(dev, linkIn(mail, "/invite"));
  await expect(dev.getByRole("heading", { name: "Join Acme Robotics" })).toBeVisible();
  await shoot(dev, "invitation");
  await dev.getByRole("button", { name: "Join Acme Robotics" }).click();
  await expect(dev.getByTestId("workspace-switcher")).toContainText("Acme Robotics");
  await goto(dev, "/keys");
  const key = await createKey(dev, "dan-in-acme");
  // Esc does not throw the one-time secret away
  await dev.keyboard.press("Escape");
  await expect(dev.getByRole("dialog").getByTestId("new-key")).toHaveValue(key);
  await dev.getByRole("button", { name: "I have saved it" }).click();
  expect((await echo(dev, key)).status()).toBe(200);

  // the owner sees the member's key, who made it, and its request
  await goto(owner, "/keys");
  const row = owner.getByTestId(/^key-ys_free_/);
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("created-by")).toHaveText("Dan Developer");
  await shoot(owner, "team-keys");
  await goto(owner, "/usage");
  await expect(owner.getByTestId("total-requests")).toHaveText("1", { timeout: 15_000 });

  // the viewer joins from the overview's invitation card, sees keys but cannot make one
  const viewer = await (await browser.newContext()).newPage();
  await signUp(viewer, viewerEmail, "Vic Viewer");
  await goto(viewer, "/");
  await viewer.getByTestId("invitation").getByRole("button", { name: "Join Acme Robotics" }).click();
  await expect(viewer.getByTestId("workspace-switcher")).toContainText("Acme Robotics");
  await goto(viewer, "/keys");
  await expect(viewer.getByTestId("viewer-note")).toBeVisible();
  await expect(viewer.getByText("dan-in-acme")).toBeVisible();
  await expect(viewer.getByRole("button", { name: /Create (your first )?key/ })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  const workspaceId = (await (await viewer.request.get("/api/trpc/workspaces.list")).json()).result.data.json.find((w: { personal: boolean }) => !w.personal).id as string;
  const refused = await trpcPost(viewer, "keys.create", { workspaceId, name: "sneaky" });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.json.data.reason).toBe("ROLE_REQUIRED");
  await shoot(viewer, "viewer-keys");

  // removed, the developer loses the workspace at once: the portal falls back to their own, tRPC says no such workspace
  await goto(owner, "/workspace");
  await owner.getByTestId(`member-${devEmail}`).getByRole("button", { name: "Remove" }).click();
  await owner.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(owner.getByTestId(`member-${devEmail}`)).toHaveCount(0);
  await goto(dev, "/keys");
  await expect(dev.getByTestId("workspace-switcher")).toContainText("Personal");
  await expect(dev.getByText("dan-in-acme")).toHaveCount(0);
  const gone = await dev.request.get(`/api/trpc/keys.list?input=${encodeURIComponent(JSON.stringify({ json: { workspaceId } }))}`);
  expect(gone.status()).toBe(404);
  // the key the developer made stays with the team and keeps working
  expect((await echo(owner, key)).status()).toBe(200);
});
