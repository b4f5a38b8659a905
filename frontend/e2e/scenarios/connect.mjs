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
  for (const want of [`docker login ${host}`, `docker push ${host}/${repo}/my-image:1.0`]) {
    await expect(connect.getByText(want, { exact: false }).first().isVisible(), `"${want}" in the Connect dialog`);
  }
  await shot("04-connect");
  // Each client has its own tab; helm's push names the repository as an OCI URL.
  await connect.getByRole("tab", { name: "Helm" }).click();
  const helm = `helm push my-chart-0.1.0.tgz oci://${host}/${repo}`;
  await expect(connect.getByText(helm, { exact: false }).first().isVisible(), `"${helm}" in the Connect dialog's Helm tab`);
  await connect.getByRole("button", { name: "Close" }).click();
}
