// How a page looks to people, checked the same way everywhere: in the light and the dark theme, at
// 1280 and 390 px, axe-core finds no serious or critical violation and nothing is wider than the
// screen; each view is screenshotted (test-results/screenshots/pages/) to be looked at.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

const WIDTHS = [1280, 390] as const;
const THEMES = ["light", "dark"] as const;

/** Waits until the page's data has arrived: no loading placeholder left, no request in flight. */
export async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

/** The elements that reach past the right edge (the innermost ones, which the others only contain). */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const clipped = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    const out = [...document.body.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !clipped(el));
    return out
      .filter((el) => !out.some((other) => other !== el && el.contains(other)))
      .slice(0, 3)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}"> ${(el.textContent ?? "").slice(0, 40)}`)
      .join(" | ");
  });

/** The page as it is now, in both themes (the system setting, as a browser reports it) and both widths. */
export async function check(page: Page, name: string) {
  await settle(page);
  for (const colorScheme of THEMES) {
    await page.emulateMedia({ colorScheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      const view = `${name} (${colorScheme}, ${width} px)`;
      // (polled: a chart follows a new width one resize observation later, as a rotated phone's does)
      const fits = await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 3_000 }).toBeLessThanOrEqual(width).then(() => true, () => false);
      if (!fits) expect.soft(await page.evaluate(() => document.documentElement.scrollWidth), `${view}: wider than the screen, by ${await overflowing(page)}`).toBeLessThanOrEqual(width);
      const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      const serious = violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
      expect.soft(serious, view).toEqual([]);
      await page.screenshot({ path: `test-results/screenshots/pages/${name.replace(/[^a-z0-9]+/gi, "-")}-${colorScheme}-${width}.png`, fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

