// Go repository: browse a module version uploaded beforehand (KODERA_E2E_GOMODULE=repo/module@version).

/** @param {import("../run.mjs").Context} ctx */
export async function go(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  // KODERA_E2E_GOMODULE=repo/module@version names a Go module version
  // uploaded beforehand, with a README.
  const goModule = process.env.KODERA_E2E_GOMODULE;
  if (goModule) {
    step(`go repository: browse ${goModule}`);
    const [, gRepo, gModule, gVersion] = goModule.match(/^([^/]+)\/(.+)@([^@]+)$/) ?? [];
    if (!gRepo) throw new Error(`KODERA_E2E_GOMODULE=${goModule}: want repo/module@version`);
    await page.goto(`${base}/repositories/${gRepo}`);
    await page.getByRole("table", { name: "Modules" }).getByRole("link", { name: gModule, exact: true }).click();
    await page.getByRole("table", { name: "Versions" }).getByRole("link", { name: gVersion, exact: true }).click();
    await page.getByText(`go get ${gModule}@${gVersion}`).waitFor();
    await page.getByRole("table", { name: "Files" }).getByText("README.md", { exact: true }).waitFor();
    await page.getByText("Hello from the e2e module.").waitFor();
    await shot("08-go-version");
  }
}
