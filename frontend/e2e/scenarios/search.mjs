// Search: the uploaded file is found and opens in its folder; the pushed
// image and its repository too; the type filter narrows the groups.

/** @param {import("../run.mjs").Context} ctx */
export async function search(ctx) {
  const { page, base, shot, step, expect, state } = ctx;
  const { filesRepo } = state;
  const pushed = process.env.KODERA_E2E_IMAGE;
  step("search: the uploaded file is found and opens in its folder");
  const fileHit = page.getByRole("link", { name: `${filesRepo} / hello.txt` });
  // The indexer applies a change about a second after its commit: search
  // again until the hit shows (long since, this late in the scenario).
  for (let i = 0; !(await fileHit.count()); i++) {
    if (i === 40) throw new Error(`search never showed ${filesRepo}/hello.txt`);
    await page.goto(`${base}/search?q=hello`);
    await page.getByText("No files match.").or(fileHit).waitFor();
  }
  for (const g of ["Repositories", "Packages", "Files"]) await page.getByRole("heading", { name: g }).waitFor();
  await fileHit.click();
  await page.getByRole("complementary", { name: "File details" }).getByText("28 B").waitFor();
  if (pushed) {
    const [, dRepo, dImage] = pushed.match(/^([^/]+)\/(.+):([^:/]+)$/) ?? [];
    step(`search: ${dRepo} and its image ${dImage}`);
    await page.goto(`${base}/search?q=${encodeURIComponent(dRepo)}`);
    await page.getByRole("list", { name: "Repositories" }).getByRole("link", { name: dRepo, exact: true }).waitFor();
    await page.goto(`${base}/search?q=${encodeURIComponent(dImage)}`);
    const imageHit = page.getByRole("link", { name: `${dRepo} / ${dImage}` });
    await imageHit.waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot("10-search");
    await page.setViewportSize({ width: 1280, height: 800 });
    step("the type filter is in the URL and narrows the hits");
    await page.getByLabel("Repository type").selectOption("files");
    await page.waitForURL(/type=files/);
    await imageHit.waitFor({ state: "detached" });
    await page.getByLabel("Repository type").selectOption("docker");
    await imageHit.click();
    await page.getByRole("table", { name: "Tags" }).waitFor();
  } else {
    await shot("10-search");
  }
}
