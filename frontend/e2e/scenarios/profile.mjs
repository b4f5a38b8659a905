// Profile: edit name and email; a personal token is shown once, works as a
// Bearer token against the API, and stops working once revoked.

const desktop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

/** A phone-sized screenshot; fails naming the widest elements if the page scrolls sideways. */
async function phoneShot(page, shot, step, name) {
  await page.setViewportSize(phone);
  try {
    await page.waitForFunction((w) => document.documentElement.scrollWidth <= w, phone.width, { timeout: 5000 });
  } catch {
    const culprits = await page.evaluate((w) =>
      [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > w + 1)
        .slice(0, 6)
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} (${Math.round(e.getBoundingClientRect().right)} px)`),
    phone.width);
    // The layout scenario fails on this at 360 px; here it is worth a note.
    step(`WARNING ${name}: the page is wider than ${phone.width} px: ${culprits.join(", ")}`);
  }
  await shot(name);
  await page.setViewportSize(desktop);
}

/** GET /api/v1/me with only the token (no session cookie): the status and username. */
async function meWithToken(page, secret) {
  return page.evaluate(async (s) => {
    const r = await fetch("/api/v1/me", { credentials: "omit", headers: { Authorization: `Bearer ${s}`, "X-Requested-With": "XMLHttpRequest" } });
    return { status: r.status, username: r.ok ? (await r.json()).username : "" };
  }, secret);
}

/** @param {import("../run.mjs").Context} ctx */
export async function profile(ctx) {
  const { page, shot, step, user } = ctx;
  await page.setViewportSize(desktop);
  step("profile: edit name and email");
  await page.getByRole("link", { name: "Profile", exact: true }).click();
  await page.waitForURL(/\/profile/);
  const form = page.getByRole("form", { name: "Name and email" });
  await form.getByLabel("Full name").fill("E2E Administrator");
  await form.getByLabel("Email").fill("not-an-address");
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByText("Not an email address.").waitFor();
  await form.getByLabel("Email").fill("admin@example.com");
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByText("Profile saved.").first().waitFor();
  await page.reload();
  await page.waitForFunction(() => [...document.querySelectorAll("input")].some((i) => i.value === "E2E Administrator"));
  await shot("profile-desktop");
  await phoneShot(page, shot, step, "profile-phone");

  step("profile: create a personal token, its secret shown once");
  const tokenName = `e2e-${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create token" });
  await dialog.getByLabel("Name", { exact: true }).fill(tokenName);
  await dialog.getByRole("radio", { name: /download and browse/ }).check();
  await dialog.getByRole("button", { name: "Create" }).click();
  const created = page.getByRole("dialog", { name: "Token created" });
  await created.getByText(/you will not see it again/).waitFor();
  const secret = ((await created.getByLabel("Token secret").textContent()) ?? "").trim();
  if (secret.length < 16) throw new Error(`token secret looks wrong: "${secret}"`);
  await created.getByRole("button", { name: /Copy token/ }).waitFor();
  await shot("tokens-secret-once");
  await created.getByRole("button", { name: "Close" }).click();
  const table = page.getByRole("table", { name: "Personal tokens" });
  await table.locator(`tr[data-token="${tokenName}"]`).waitFor();
  if (await page.getByText(secret).count()) throw new Error("the secret is still on the page after closing its dialog");

  step("profile: the token works as Bearer against /api/v1/me");
  const ok = await meWithToken(page, secret);
  if (ok.status !== 200 || ok.username !== user) throw new Error(`GET /api/v1/me with the token: ${ok.status} ${ok.username}, want 200 ${user}`);
  await shot("tokens-list");

  step("profile: revoke the token (confirmed); it answers 401 afterwards");
  await table.getByRole("button", { name: `Revoke ${tokenName}` }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke token" });
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await confirm.waitFor({ state: "detached" });
  await table.locator(`tr[data-token="${tokenName}"]`).waitFor({ state: "detached" });
  const gone = await meWithToken(page, secret);
  if (gone.status !== 401) throw new Error(`GET /api/v1/me with the revoked token answered ${gone.status}, want 401`);
  await page.setViewportSize({ width: 1280, height: 800 });
}
