// PyPI repository: the package uploaded by twine (KODERA_E2E_FX_PYPI=repo/project,
// versions 1.0.0 and 1.1.0, an sdist and a wheel each): packages, versions,
// the version page's Details (the description rendered without running its
// <script>) and Files (sha256), and a bulk delete of a version.

const desktop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

/** @param {import("../run.mjs").Context} ctx */
export async function pypi(ctx) {
  const { page, base, shot, step, expect } = ctx;
  const fx = process.env.KODERA_E2E_FX_PYPI;
  if (!fx) return;
  const [repo, project] = fx.split("/");
  await page.setViewportSize(desktop);

  step(`pypi: packages of ${repo}`);
  await page.goto(`${base}/repositories/${repo}`);
  const packages = page.getByRole("table", { name: "Packages" });
  await packages.getByRole("link", { name: project, exact: true }).waitFor();
  await page.getByText(`/api/python/${repo}/simple/`).waitFor();
  await shot("pypi-packages");

  step("pypi: versions");
  await packages.getByRole("link", { name: project, exact: true }).click();
  const versions = page.getByRole("table", { name: "Versions" });
  await versions.getByRole("link", { name: "1.1.0", exact: true }).waitFor();
  await versions.getByRole("link", { name: "1.0.0", exact: true }).waitFor();
  await page.getByText(`pip install ${project}`, { exact: true }).waitFor();
  await shot("pypi-versions");

  step("pypi: version details, the description rendered safely");
  await versions.getByRole("link", { name: "1.1.0", exact: true }).click();
  await page.getByText(`pip install ${project}==1.1.0`, { exact: true }).waitFor();
  const description = page.getByRole("document", { name: "Description" });
  await description.locator("strong", { hasText: "fixture" }).waitFor();
  await description.getByText("<script>alert('x')</script>", { exact: false }).waitFor();
  await expect((await description.locator("script").count()) === 0, "no script element from the description");
  await page.getByRole("list", { name: "Dependencies" }).getByText(/^requests/).waitFor();
  await shot("pypi-version-details");
  await page.setViewportSize(phone);
  await shot("pypi-version-details-phone");
  await page.setViewportSize(desktop);

  step("pypi: files with their sha256");
  await page.getByRole("tab", { name: /^Files/ }).click();
  await page.waitForURL(/tab=files/);
  const files = page.getByRole("table", { name: "Files" });
  // setuptools names the sdist fx-demo or fx_demo, depending on its version.
  const stem = project.replaceAll("-", "[-_]");
  await files.getByRole("link", { name: new RegExp(`^${stem}-1\\.1\\.0-py3-none-any\\.whl$`) }).waitFor();
  await files.getByRole("link", { name: new RegExp(`^${stem}-1\\.1\\.0\\.tar\\.gz$`) }).waitFor();
  await expect((await files.getByRole("button", { name: "Copy sha256" }).count()) === 2, "a sha256 copy button per file");
  const sha = await files.locator("[title]").first().getAttribute("title");
  await expect(/^[0-9a-f]{64}$/.test(sha ?? ""), `a full sha256 behind the short one (got ${sha})`);
  await shot("pypi-version-files");

  step("pypi: bulk delete of a version");
  await page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: project }).click();
  await versions.getByRole("checkbox", { name: "Select 1.0.0" }).check();
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Delete version" }).click();
  const confirm = page.getByRole("dialog", { name: `Delete ${project} 1.0.0?` });
  await confirm.getByRole("textbox").fill(project);
  await confirm.getByRole("button", { name: "Delete" }).click();
  await confirm.waitFor({ state: "detached" });
  await versions.getByRole("link", { name: "1.0.0", exact: true }).waitFor({ state: "detached" });
  await versions.getByRole("link", { name: "1.1.0", exact: true }).waitFor();
  await page.setViewportSize({ width: 1280, height: 800 });
}
