// Search: the uploaded file is found and opens in its folder; the pushed image too.

/** @param {import("../run.mjs").Context} ctx */
export async function search(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const { filesRepo } = state;
  const pushed = process.env.KODERA_E2E_IMAGE;
  step("search: the uploaded file is found and opens in its folder");
  const fileHit = page.getByRole("link", { name: `${filesRepo} / hello.txt` });
  // The indexer applies a change about a second after its commit: search
  // again until the hit shows (long since, this late in the scenario).
  for (let i = 0; !(await fileHit.count()); i++) {
    if (i === 40) throw new Error(`search never showed ${filesRepo}/hello.txt`);
    await page.goto(`${base}/search?q=hello`);
    await page.getByText("No package or file matches.").or(fileHit).waitFor();
  }
  await shot("10-search");
  await fileHit.click();
  await page.getByRole("complementary", { name: "File details" }).getByText("28 B").waitFor();
  if (pushed) {
    const [, dRepo, dImage] = pushed.match(/^([^/]+)\/(.+):([^:/]+)$/) ?? [];
    await page.goto(`${base}/search?q=${encodeURIComponent(dImage)}`);
    await page.getByRole("link", { name: `${dRepo} / ${dImage}` }).click();
    await page.getByRole("table", { name: "Tags" }).waitFor();
  }
}
