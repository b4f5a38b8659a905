// Docker repository: browse an image pushed beforehand (KODERA_E2E_IMAGE=repo/image:tag).

/** @param {import("../run.mjs").Context} ctx */
export async function containers(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  // KODERA_E2E_IMAGE=repo/image:tag names an image pushed beforehand.
  const pushed = process.env.KODERA_E2E_IMAGE;
  if (pushed) {
    step(`docker repository: browse ${pushed}`);
    const [, dRepo, dImage, dTag] = pushed.match(/^([^/]+)\/(.+):([^:/]+)$/) ?? [];
    if (!dRepo) throw new Error(`KODERA_E2E_IMAGE=${pushed}: want repo/image:tag`);
    await page.goto(`${base}/repositories/${dRepo}`);
    await page.getByRole("table", { name: "Images" }).getByRole("link", { name: dImage, exact: true }).click();
    await page.getByRole("table", { name: "Tags" }).getByRole("link", { name: dTag, exact: true }).click();
    await page.getByText(`docker pull ${new URL(base).host}/${dRepo}/${dImage}:${dTag}`).waitFor();
    await page.getByRole("tab", { name: "Configuration" }).click();
    await page.getByText("/hello", { exact: true }).waitFor();
    await page.getByRole("tab", { name: "Layers" }).click();
    await page.getByRole("table", { name: "Layers" }).getByText("COPY hello /").waitFor();
    await shot("08-docker-layers");
  }
}
