// Repositories: create one of each type (the files one is the files
// scenario's), the create form's checks, list/filter/sort, the Connect dialog
// per type; later Edit (settings, grants with confirmation) and delete.

const desktop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

/** Runs fn at a viewport size, then restores the previous one. */
async function at(page, size, fn) {
  const before = page.viewportSize();
  await page.setViewportSize(size);
  try {
    await fn();
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** Creates a repository through the dialog and waits for its page. */
async function create(ctx, name, type, { visibility, shotName } = {}) {
  const { page, waitOrAlert } = ctx;
  await page.getByRole("link", { name: "Repositories", exact: true }).first().click();
  await page.getByRole("button", { name: "Create repository" }).click();
  const dialog = page.getByRole("dialog", { name: "Create repository" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Type").selectOption(type);
  await dialog.getByLabel("Description").fill(`A ${type} repository created by the browser test`);
  if (visibility === "public") await dialog.getByLabel(/Public/).check();
  if (shotName) await at(page, desktop, () => ctx.shot(shotName));
  await dialog.getByRole("button", { name: "Create" }).click();
  await waitOrAlert(new RegExp(`/repositories/${name}$`), `create ${type} repository`);
  await page.getByRole("heading", { name }).waitFor();
}

/** Opens Connect on the current repository page and checks its commands name this server. */
async function checkConnect(ctx, name, want, shotName) {
  const { page, base, expect, shot } = ctx;
  await page.getByRole("button", { name: "Connect" }).click();
  const dialog = page.getByRole("dialog", { name: `Connect to ${name}` });
  await dialog.waitFor();
  const host = new URL(base).host;
  for (const w of want(host, base)) {
    await expect(dialog.getByText(w, { exact: false }).first().isVisible(), `"${w}" in the Connect dialog of ${name}`);
  }
  await at(page, desktop, () => shot(shotName));
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
}

/** @param {import("../run.mjs").Context} ctx */
export async function createAndList(ctx) {
  const { page, base, shot, step, expect, state } = ctx;
  const repo = state.repo;

  step("the create form checks the name before the server does, and shows the server's refusal");
  await page.getByRole("button", { name: "Create repository" }).click();
  const dialog = page.getByRole("dialog", { name: "Create repository" });
  await dialog.getByLabel("Name").fill("Team/Web");
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.getByRole("alert").filter({ hasText: "no '/'" }).waitFor();
  await dialog.getByLabel("Name").fill("v2");
  await dialog.getByRole("button", { name: "Create" }).click();
  const refusal = dialog.getByRole("alert").first();
  await refusal.waitFor();
  await expect(refusal.textContent().then((t) => /v2|reserved/i.test(t ?? "")), "the server's detail naming the reserved name");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  step(`create ${repo} (docker, public), ${repo}-py (pypi), ${repo}-go (go)`);
  await create(ctx, repo, "docker", { visibility: "public", shotName: "02-create" });
  await create(ctx, `${repo}-py`, "pypi");
  await checkConnect(ctx, `${repo}-py`, (host) => [`${host}/api/python/${repo}-py/`], "04-connect-pypi");
  await create(ctx, `${repo}-go`, "go");
  await checkConnect(ctx, `${repo}-go`, (host) => [`${host}/api/go/${repo}-go`], "04-connect-go");

  step("see them listed");
  await page.getByRole("link", { name: "Repositories", exact: true }).first().click();
  await page.waitForURL(/\/repositories$/);
  const row = page.locator(`tr[data-repo="${repo}"]`);
  await row.waitFor();
  await expect(row.getByText("Docker / OCI").isVisible(), "the type in the row");
  await expect(row.getByText("public").isVisible(), "the visibility in the row");
  await expect(page.locator(`tr[data-repo="${repo}-py"]`).getByText("private").isVisible(), "private on the pypi row");

  step("filter by name");
  await page.getByLabel("Filter by name").fill(repo);
  await page.waitForURL(new RegExp(`q=${repo}`));
  await page.locator(`tr[data-repo="${repo}-go"]`).waitFor();
  await page.getByLabel("Filter by name").fill(repo + "-nothing");
  await page.getByText("Nothing matches the filters.").waitFor();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.waitForURL(/\/repositories$/);
  await page.getByLabel("Filter by name").fill(repo);
  await row.waitFor();

  step("sort by name, both ways (in the URL)");
  const names = () => page.locator("tr[data-repo]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-repo")));
  await page.getByRole("button", { name: "Name", exact: true }).click();
  await page.waitForURL(/sort=name/);
  await page.getByRole("button", { name: "Name", exact: true }).click();
  await page.waitForURL(/sort=-name/);
  await page.locator("tr[data-repo]").first().and(page.locator(`tr[data-repo="${repo}-py"]`)).waitFor();
  const desc = await names();
  if (JSON.stringify(desc) !== JSON.stringify([`${repo}-py`, `${repo}-go`, repo])) throw new Error(`sort=-name shows ${desc.join(", ")}`);
  await page.reload();
  await page.locator("tr[data-repo]").first().and(page.locator(`tr[data-repo="${repo}-py"]`)).waitFor();

  step("filter by type");
  await page.getByLabel("Type").selectOption("pypi");
  await page.waitForURL(/type=pypi/);
  await row.waitFor({ state: "detached" });
  await page.getByLabel("Type").selectOption("docker");
  await row.waitFor();
  await page.locator(`tr[data-repo="${repo}-py"]`).waitFor({ state: "detached" });
  await at(page, desktop, () => shot("03-repositories"));
  await at(page, phone, () => shot("03-repositories-phone"));
}

/** @param {import("../run.mjs").Context} ctx */
export async function permissions(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state } = ctx;
  const { repo, member, filesRepo } = state;

  step("Connect on the files repository names this server");
  await page.goto(`${base}/repositories/${filesRepo}`);
  await page.getByRole("heading", { name: filesRepo }).waitFor();
  await checkConnect(ctx, filesRepo, (host) => [`${host}/api/files/${filesRepo}/`], "04-connect-files");

  step("Edit: description and immutability");
  await page.goto(`${base}/repositories/${repo}`);
  await page.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${repo}` });
  await edit.waitFor();
  await page.waitForURL(/settings=general/);
  await edit.getByLabel("Description").fill("Edited by the browser test");
  await edit.getByLabel(/Immutable/).check();
  await at(page, desktop, () => shot("05-edit"));
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "detached" });
  await page.getByText("Edited by the browser test").waitFor();
  await page.getByText("immutable", { exact: true }).waitFor();

  step("Edit > Permissions: grant the new user write; a level change is confirmed");
  await page.getByRole("button", { name: "Edit" }).click();
  await edit.getByRole("tab", { name: "Permissions" }).click();
  await page.waitForURL(/settings=permissions/);
  const perms = edit.getByRole("table", { name: "Permissions" });
  await perms.waitFor();
  await edit.getByLabel("Principal name").fill("no-such-user-" + Date.now());
  await edit.getByRole("button", { name: "Grant" }).click();
  await edit.getByRole("alert").first().waitFor();
  await edit.getByLabel("Principal name").fill(member);
  await edit.getByLabel("Level", { exact: true }).selectOption("read");
  await edit.getByRole("button", { name: "Grant" }).click();
  await perms.getByText(member).waitFor();
  await perms.getByLabel(`Level of user:${member}`).selectOption("write");
  const confirm = page.getByRole("dialog", { name: `Change the level of user:${member}` });
  await confirm.getByRole("button", { name: "Change level" }).click();
  await confirm.waitFor({ state: "detached" });
  await page.waitForFunction((m) => document.querySelector(`select[aria-label="Level of user:${m}"]`)?.value === "write", member);
  await at(page, desktop, () => shot("06-edit-permissions"));
  await edit.getByRole("button", { name: "Close" }).click();
  await edit.waitFor({ state: "detached" });

  step(`delete ${repo}-go with a typed-name confirmation`);
  await page.goto(`${base}/repositories/${repo}-go?settings=general`);
  const goEdit = page.getByRole("dialog", { name: `Edit ${repo}-go` });
  await goEdit.getByRole("button", { name: "Delete repository" }).click();
  const del = page.getByRole("dialog", { name: `Delete repository ${repo}-go` });
  const go = del.getByRole("button", { name: "Delete repository" });
  await expect(go.isDisabled(), "Delete disabled until the name is typed");
  await del.getByLabel(/Type/).fill(`${repo}-go`);
  await go.click();
  await waitOrAlert(/\/repositories$/, "delete repository");
  await page.locator("tr[data-repo]").first().waitFor();
  if (await page.locator(`tr[data-repo="${repo}-go"]`).count()) throw new Error(`${repo}-go still listed after delete`);
}

/** @param {import("../run.mjs").Context} ctx */
export async function bulkDelete(ctx) {
  const { page, base, step, waitOrAlert, state } = ctx;
  const py = `${state.repo}-py`;
  step(`bulk delete ${py} from the list (typed confirmation)`);
  await page.goto(`${base}/repositories?q=${py}`);
  const row = page.locator(`tr[data-repo="${py}"]`);
  await row.getByRole("checkbox", { name: `Select ${py}` }).check();
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Delete 1" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete 1 repositories" });
  await confirm.getByLabel(/Type/).fill("delete");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await confirm.waitFor({ state: "detached" });
  await row.waitFor({ state: "detached" });
  await page.getByText("Nothing matches the filters.").waitFor();
  if (await page.getByRole("alert").count()) throw new Error(`bulk delete reported: ${await page.getByRole("alert").first().textContent()}`);
}
