// The shell on a phone-sized screen: no page-wide horizontal scroll, the nav
// collapses into the Menu button; the dark theme toggle.

/** @param {import("../run.mjs").Context} ctx */
export async function narrowScreen(ctx) {
  const { page, base, shot, step, state } = ctx;
  step("360 px wide: the nav is a menu, nothing scrolls the page sideways");
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    for (const path of ["/repositories", `/repositories/${state.repo}`, "/profile", "/admin/audit"]) {
      await page.goto(base + path);
      await page.getByRole("heading").first().waitFor();
      await page.waitForLoadState("networkidle");
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > 360) {
        // Name the widest offenders so the fix is obvious.
        const culprits = await page.evaluate(() =>
          [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > 361)
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} (${Math.round(e.getBoundingClientRect().right)} px)`),
        );
        throw new Error(`${path} is ${wide} px wide at 360 px: ${culprits.join(", ")}`);
      }
    }
    await page.goto(base + "/repositories");
    await page.getByRole("button", { name: "Main menu" }).click();
    await page.getByRole("menuitem", { name: "Search" }).waitFor();
    await shot("11-phone-menu");
    await page.keyboard.press("Escape");
    const toggle = page.getByRole("button", { name: /Switch to (dark|light) theme/ });
    await toggle.click();
    await page.waitForFunction(() => document.documentElement.dataset.theme !== undefined);
    await shot("12-phone-theme");
    await toggle.click();
  } finally {
    if (size) await page.setViewportSize(size);
  }
}
