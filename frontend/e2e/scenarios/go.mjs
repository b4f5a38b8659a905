// Go repository: the module pushed with git (KODERA_E2E_FX_GO=repo/module@version)
// — modules, versions, the version's README (rendered safely), go.mod and
// files — and the module zip uploaded through the API (KODERA_E2E_GOMODULE).

const desktop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

function parseRef(ref, what) {
  const [, repo, module, version] = ref.match(/^([^/]+)\/(.+)@([^@]+)$/) ?? [];
  if (!repo) throw new Error(`${what}=${ref}: want repo/module@version`);
  return { repo, module, version };
}

/** @param {import("../run.mjs").Context} ctx */
export async function go(ctx) {
  const { page, base, shot, step } = ctx;
  const fx = process.env.KODERA_E2E_FX_GO;
  if (fx) {
    const { repo, module, version } = parseRef(fx, "KODERA_E2E_FX_GO");
    await page.setViewportSize(desktop);
    step(`go: modules of ${repo}`);
    await page.goto(`${base}/repositories/${repo}`);
    const modules = page.getByRole("table", { name: "Modules" });
    await modules.getByRole("link", { name: module, exact: true }).waitFor();
    await shot("go-modules");

    step("go: versions");
    await modules.getByRole("link", { name: module, exact: true }).click();
    const versions = page.getByRole("table", { name: "Versions" });
    await versions.getByRole("link", { name: version, exact: true }).waitFor();
    await page.getByText(`go get ${module}@latest`, { exact: true }).waitFor();
    await page.getByText(/^GOPROXY=.*\/api\/go\//).waitFor();
    await shot("go-versions");

    step("go: version README, go.mod and files");
    await versions.getByRole("link", { name: version, exact: true }).click();
    await page.getByText(`go get ${module}@${version}`, { exact: true }).waitFor();
    const readme = page.getByRole("document", { name: "README" });
    await readme.locator("strong", { hasText: "fx" }).waitFor();
    await page.getByRole("table", { name: "Requirements" }).getByText("golang.org/x/text").waitFor();
    await shot("go-version-overview");
    await page.setViewportSize(phone);
    await shot("go-version-overview-phone");
    await page.setViewportSize(desktop);
    await page.getByRole("tab", { name: "go.mod" }).click();
    await page.waitForURL(/tab=gomod/);
    await page.getByLabel("go.mod").getByText(`module ${module}`).waitFor();
    await shot("go-version-gomod");
    await page.getByRole("tab", { name: /^Files/ }).click();
    const files = page.getByRole("table", { name: "Files" });
    for (const f of ["README.md", "go.mod", "fx.go"]) await files.getByText(f, { exact: true }).waitFor();
    await shot("go-version-files");
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  // KODERA_E2E_GOMODULE=repo/module@version names a module zip uploaded
  // through the API, with a README.
  const goModule = process.env.KODERA_E2E_GOMODULE;
  if (goModule) {
    step(`go repository: browse ${goModule}`);
    const { repo, module, version } = parseRef(goModule, "KODERA_E2E_GOMODULE");
    await page.goto(`${base}/repositories/${repo}`);
    await page.getByRole("table", { name: "Modules" }).getByRole("link", { name: module, exact: true }).click();
    await page.getByRole("table", { name: "Versions" }).getByRole("link", { name: version, exact: true }).click();
    await page.getByText(`go get ${module}@${version}`).waitFor();
    await page.getByText("Hello from the e2e module.").waitFor();
    await page.getByRole("tab", { name: /^Files/ }).click();
    await page.getByRole("table", { name: "Files" }).getByText("README.md", { exact: true }).waitFor();
    await shot("08-go-version");
  }
}
