// Administration: users (create the member later scenarios log in as),
// service accounts with tokens, guest access on and off, the audit log
// filtered by an action prefix, licensing.

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

/** @param {import("../run.mjs").Context} ctx */
export async function admin(ctx) {
  const { page, shot, step, waitOrAlert, state, user } = ctx;
  const { repo, member } = state;
  await page.setViewportSize(desktop);
  const section = (name) => page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name, exact: true }).click();

  step("administration: users, create a plain user");
  await page.getByRole("link", { name: "Administration" }).click();
  await waitOrAlert(/\/admin\/users/, "open Administration");
  const users = page.getByRole("table", { name: "Users" });
  await users.locator(`tr[data-user="${user}"]`).waitFor();
  await page.getByRole("button", { name: "Create user" }).click();
  const ud = page.getByRole("dialog", { name: "Create user" });
  await ud.getByLabel("Nickname (login)").fill("Not Valid");
  await ud.getByRole("button", { name: "Create" }).click();
  await ud.getByText(/Lower case letters/).waitFor();
  await ud.getByLabel("Nickname (login)").fill(member);
  await ud.getByLabel("Full name").fill("Dev Eloper");
  await ud.getByLabel("Email").fill("dev@example.com");
  await ud.getByLabel("Password", { exact: true }).fill("a-long-enough-password");
  await shot("admin-user-create-dialog");
  await ud.getByRole("button", { name: "Create" }).click();
  await ud.waitFor({ state: "detached" });
  await users.locator(`tr[data-user="${member}"]`).waitFor();

  step("administration: the user filter and sort live in the URL");
  await page.getByLabel("Filter users").fill(member);
  await page.waitForURL((u) => u.searchParams.get("q") === member);
  await users.getByRole("button", { name: "Nickname" }).click();
  await page.waitForURL((u) => /^-?name$/.test(u.searchParams.get("sort") ?? ""));
  await page.reload();
  await users.locator(`tr[data-user="${member}"]`).waitFor();
  if (await users.locator(`tr[data-user="${user}"]`).count()) throw new Error("the filter from the URL was not applied after a reload");
  await page.getByLabel("Filter users").fill("");
  await page.waitForURL((u) => !u.searchParams.has("q"));
  await users.locator(`tr[data-user="${user}"]`).waitFor();
  await shot("admin-users-desktop");
  await phoneShot(page, shot, step, "admin-users-phone");

  step("administration: a service account with two tokens, one revoked");
  const svc = `${repo}-ci`;
  await section("Services");
  await page.getByRole("button", { name: "Create service account" }).click();
  const sd = page.getByRole("dialog", { name: "Create service account" });
  await sd.getByLabel("Name", { exact: true }).fill(svc);
  await sd.getByLabel("Description").fill("CI pipeline of the e2e run");
  await sd.getByRole("button", { name: "Create" }).click();
  // Creating opens the account's tokens (kept in the URL).
  await page.waitForURL((u) => u.searchParams.get("service") === svc);
  const tokensDialog = page.getByRole("dialog", { name: `Tokens of ${svc}` });
  const tokens = tokensDialog.getByRole("table", { name: `Tokens of ${svc}` });
  for (const name of ["deploy", "build"]) {
    await tokensDialog.getByRole("button", { name: "Create token" }).click();
    const cd = page.getByRole("dialog", { name: "Create token" });
    await cd.getByLabel("Name", { exact: true }).fill(name);
    await cd.getByRole("button", { name: "Create" }).click();
    const created = page.getByRole("dialog", { name: "Token created" });
    const secret = ((await created.getByLabel("Token secret").textContent()) ?? "").trim();
    if (secret.length < 16) throw new Error(`service token secret looks wrong: "${secret}"`);
    await created.getByRole("button", { name: "Close" }).click();
    await created.waitFor({ state: "detached" });
    await tokens.locator(`tr[data-token="${name}"]`).waitFor();
  }
  await tokens.getByRole("button", { name: "Revoke deploy" }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke token" });
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await tokens.locator(`tr[data-token="deploy"]`).waitFor({ state: "detached" });
  await tokens.locator(`tr[data-token="build"]`).waitFor();
  await shot("admin-service-tokens");
  await tokensDialog.getByRole("button", { name: "Close" }).click();
  await page.waitForURL((u) => !u.searchParams.has("service"));
  const svcRow = page.getByRole("table", { name: "Service accounts" }).locator(`tr[data-service="${svc}"]`);
  await svcRow.getByRole("cell", { name: "1", exact: true }).waitFor();
  await shot("admin-services");

  step("administration: guest access on, then back");
  await section("Settings");
  const guest = page.getByRole("checkbox", { name: /Guest access/ });
  await guest.waitFor();
  await page.waitForFunction(() => !document.querySelector('input[type="checkbox"]:disabled'));
  const before = await guest.isChecked();
  const guestNow = () => page.evaluate(async () => (await (await fetch("/api/v1/system/info")).json()).guestAccess);
  for (const want of [!before, before]) {
    await guest.setChecked(want);
    await page.getByRole("form", { name: "Access" }).getByRole("button", { name: "Save" }).click();
    await page.getByText(want ? "Guest access on." : "Guest access off.").first().waitFor();
    if ((await guestNow()) !== want) throw new Error(`system/info guestAccess is not ${want} after saving`);
    if (want !== before) await shot("admin-settings");
  }

  step("administration: the audit log filtered by the action prefix token.");
  await section("Audit log");
  const events = page.getByRole("table", { name: "Audit events" });
  await page.getByLabel("Action", { exact: true }).fill("token.*");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.getByText(/prefix ending in '\.'/).waitFor();
  await page.getByLabel("Action", { exact: true }).fill("token.");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL((u) => u.searchParams.get("action") === "token.");
  // The previous page's rows stay until the filtered answer arrives.
  await page.locator('table[aria-label="Audit events"]:not([aria-busy])').waitFor();
  await events.locator('tr[data-action="token.create"]').first().waitFor();
  await events.locator('tr[data-action="token.delete"]').first().waitFor();
  const actions = await events.locator("tr[data-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
  if (actions.some((a) => !a?.startsWith("token."))) throw new Error(`the token. filter shows other actions: ${actions.join(", ")}`);
  await shot("admin-audit");
  await page.reload();
  await events.locator('tr[data-action="token.create"]').first().waitFor();
  if ((await page.getByLabel("Action", { exact: true }).inputValue()) !== "token.") throw new Error("the action filter did not come back from the URL");

  // KODERA_E2E_LICENSE is a key the server trusts: pasting it ends evaluation mode.
  step("licensing: evaluation banner, key details, activate a key");
  const banner = page.getByRole("status").filter({ hasText: /Evaluation mode/ });
  await banner.waitFor();
  await section("Licensing");
  const details = page.getByRole("definition").and(page.locator('[data-license="Status"]'));
  await details.filter({ hasText: "evaluation" }).waitFor();
  await shot("admin-licensing");
  const licenseKey = process.env.KODERA_E2E_LICENSE;
  if (licenseKey) {
    await page.getByLabel("License key", { exact: true }).fill(licenseKey);
    await page.getByRole("button", { name: "Activate" }).click();
    await details.filter({ hasText: /^active$/ }).waitFor();
    await banner.waitFor({ state: "detached" });
    await shot("admin-licensing-active");
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
