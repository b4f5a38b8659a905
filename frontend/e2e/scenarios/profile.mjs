// Profile: create a personal token, its secret shown once.

/** @param {import("../run.mjs").Context} ctx */
export async function profile(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  step("profile: create a personal token, see its secret once");
  await page.getByRole("link", { name: "Profile" }).click();
  await page.getByRole("heading", { name: "Personal tokens" }).waitFor();
  await page.getByRole("button", { name: "Create token" }).click();
  const tok = page.getByRole("dialog", { name: "Create token" });
  await tok.getByLabel("Name", { exact: true }).fill("e2e");
  await tok.getByRole("button", { name: "Create" }).click();
  const created = page.getByRole("dialog", { name: "Token created" });
  await created.waitFor();
  const secret = (await created.locator("pre").textContent())?.trim() ?? "";
  if (secret.length < 16) throw new Error(`token secret looks wrong: "${secret}"`);
  await created.getByRole("button", { name: "Close" }).click();
  await page.getByRole("table", { name: "Tokens" }).getByText("e2e", { exact: true }).waitFor();
}
