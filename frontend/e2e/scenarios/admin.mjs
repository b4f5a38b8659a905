// Administration: users, settings, audit log, licensing.

/** @param {import("../run.mjs").Context} ctx */
export async function admin(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const repo = state.repo;
  step("administration: create a user; settings, audit log");
  const member = `${repo}-dev`;
  await page.getByRole("link", { name: "Administration" }).click();
  await page.getByRole("table", { name: "Users" }).getByText(user, { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Create user" }).click();
  const ud = page.getByRole("dialog", { name: "Create user" });
  await ud.getByLabel("Nickname (login)").fill(member);
  await ud.getByLabel("Full name").fill("Dev Eloper");
  await ud.getByLabel("Email").fill("dev@example.com");
  await ud.getByLabel(/^Password/).fill("a-long-enough-password");
  await ud.getByRole("button", { name: "Create" }).click();
  await page.getByRole("table", { name: "Users" }).getByText(member, { exact: true }).waitFor();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel(/Guest access/).waitFor();
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("table", { name: "Audit events" }).getByText(repo).first().waitFor();
  await shot("06-audit");

  // KODERA_E2E_LICENSE is a key the server trusts: pasting it ends evaluation mode.
  step("licensing: evaluation banner, activate a key");
  const banner = page.getByRole("status").filter({ hasText: /Evaluation mode/ });
  await banner.waitFor();
  await page.getByRole("link", { name: "Licensing" }).click();
  await page.getByText("evaluation", { exact: true }).waitFor();
  const licenseKey = process.env.KODERA_E2E_LICENSE;
  if (licenseKey) {
    await page.getByLabel(/License key/).fill(licenseKey);
    await page.getByRole("button", { name: "Activate" }).click();
    await page.getByText("active", { exact: true }).waitFor();
    await banner.waitFor({ state: "detached" });
    await shot("07-license");
  }
}
