// Repositories: create, list, filter by name and type; grants on the repository page.

/** @param {import("../run.mjs").Context} ctx */
export async function createAndList(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const repo = state.repo;
  step(`create repository ${repo}`);
  await page.getByRole("button", { name: "Create repository" }).click();
  const dialog = page.getByRole("dialog", { name: "Create repository" });
  await dialog.getByLabel("Name").fill(repo);
  await dialog.getByLabel("Type").selectOption("docker");
  await dialog.getByLabel("Description").fill("Created by the browser test");
  await dialog.getByLabel(/Public/).check();
  await shot("02-create");
  await dialog.getByRole("button", { name: "Create" }).click();
  await waitOrAlert(new RegExp(`/repositories/${repo}$`), "create repository");
  await page.getByRole("heading", { name: repo }).waitFor();

  step("see it listed");
  await page.getByRole("link", { name: "Repositories", exact: true }).first().click();
  await page.waitForURL(/\/repositories$/);
  const row = page.locator(`tr[data-repo="${repo}"]`);
  await row.waitFor();
  await expect(row.getByText("Docker / OCI").isVisible(), "the type in the row");
  await expect(row.getByText("public").isVisible(), "the visibility in the row");

  step("filter by name");
  await page.getByLabel("Filter by name").fill(repo);
  await page.waitForURL(new RegExp(`q=${repo}`));
  await row.waitFor();
  await page.getByLabel("Filter by name").fill(repo + "-nothing");
  await page.getByText("No repositories match the filter.").waitFor();
  await page.getByLabel("Filter by name").fill(repo.slice(0, 6));
  await row.waitFor();

  step("filter by type");
  await page.getByLabel("Type").selectOption("files");
  await row.waitFor({ state: "detached" });
  await page.getByLabel("Type").selectOption("docker");
  await row.waitFor();
  await shot("03-list");
}

/** @param {import("../run.mjs").Context} ctx */
export async function permissions(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const { repo, member } = state;
  step("permissions: grant the new user write on the repository");
  await page.goto(`${base}/repositories/${repo}`);
  const perms = page.getByRole("table", { name: "Permissions" });
  await perms.waitFor();
  await page.getByLabel("Principal name").fill(member);
  await page.getByLabel("Level", { exact: true }).selectOption("write");
  await page.getByRole("button", { name: "Grant" }).click();
  await perms.getByText(member).waitFor();
  await expect(perms.getByLabel(`Level of user:${member}`).inputValue().then((v) => v === "write"), "the grant at level write");
}
