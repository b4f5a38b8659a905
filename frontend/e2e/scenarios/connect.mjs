// The Connect dialog of a docker repository: commands with the server's address.

/** @param {import("../run.mjs").Context} ctx */
export async function connect(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const repo = state.repo;
  const row = page.locator(`tr[data-repo="${repo}"]`);
  step("open Connect");
  await row.getByRole("link", { name: repo }).click();
  await page.waitForURL(new RegExp(`/repositories/${repo}$`));
  await page.getByRole("button", { name: "Connect" }).click();
  const connect = page.getByRole("dialog", { name: `Connect to ${repo}` });
  await connect.waitFor();
  const host = new URL(base).host;
  for (const want of [`docker login ${host}`, `docker push ${host}/${repo}/my-image:1.0`, `helm push my-chart-0.1.0.tgz oci://${host}/${repo}`]) {
    await expect(connect.getByText(want, { exact: false }).first().isVisible(), `"${want}" in the Connect dialog`);
  }
  await shot("04-connect");
  await connect.getByRole("button", { name: "Close" }).click();
}
