// Docker repository: the crane fixtures (KODERA_E2E_FX_DOCKER: a
// Docker-format image with tags 1.0, 1.1, 2.0, latest; KODERA_E2E_FX_INDEX:
// a two-platform index) — images, tags with filter/sort/bulk delete, the
// version page's tabs, the index's platforms — and the hand-pushed OCI image
// (KODERA_E2E_IMAGE).

const desktop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

/** repo/image:tag → its parts. */
function parseRef(ref, what) {
  const [, repo, image, tag] = ref.match(/^([^/]+)\/(.+):([^:/]+)$/) ?? [];
  if (!repo) throw new Error(`${what}=${ref}: want repo/image:tag`);
  return { repo, image, tag };
}

/** @param {import("../run.mjs").Context} ctx */
export async function containers(ctx) {
  const { page, base, shot, step, expect } = ctx;
  const host = new URL(base).host;
  const fx = process.env.KODERA_E2E_FX_DOCKER;
  const fxIndex = process.env.KODERA_E2E_FX_INDEX;
  if (fx && fxIndex) {
    const { repo, image } = parseRef(fx, "KODERA_E2E_FX_DOCKER");
    const idx = parseRef(fxIndex, "KODERA_E2E_FX_INDEX");
    await page.setViewportSize(desktop);

    step(`containers: images of ${repo}`);
    await page.goto(`${base}/repositories/${repo}`);
    const images = page.getByRole("table", { name: "Images" });
    await images.getByRole("link", { name: idx.image, exact: true }).waitFor();
    await images.getByRole("link", { name: image, exact: true }).waitFor();
    await shot("containers-images");

    step("containers: tags, prefix filter and sort in the URL");
    await images.getByRole("link", { name: image, exact: true }).click();
    const tags = page.getByRole("table", { name: "Tags" });
    for (const t of ["1.0", "1.1", "2.0", "latest"]) await tags.getByRole("link", { name: t, exact: true }).waitFor();
    await page.getByText(`docker pull ${host}/${repo}/${image}:`).waitFor();
    await expect(tags.getByText("linux/amd64").first().isVisible(), "the platform of each tag");
    await page.getByRole("searchbox", { name: "Filter tags" }).fill("1.");
    await page.waitForURL(/[?&]q=1\./);
    await tags.getByRole("link", { name: "latest", exact: true }).waitFor({ state: "detached" });
    await page.getByRole("combobox", { name: "Sort" }).selectOption("-name");
    await page.waitForURL(/sort=-name/);
    await page.waitForFunction(() => document.querySelector('table[aria-label="Tags"] tbody tr td a')?.textContent === "1.1");
    await expect((await tags.getByRole("row").count()) === 3, "two tags starting with 1. (and the header row)");
    await shot("containers-tags");
    await page.setViewportSize(phone);
    await shot("containers-tags-phone");
    await page.setViewportSize(desktop);
    // No match, then clear filters.
    await page.getByRole("searchbox", { name: "Filter tags" }).fill("nope");
    await page.getByText("Nothing matches the filters.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await tags.getByRole("link", { name: "latest", exact: true }).waitFor();

    step("containers: bulk delete of a tag");
    await tags.getByRole("checkbox", { name: "Select 2.0" }).check();
    await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Delete tag" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete tag 2.0?" });
    await confirm.getByRole("button", { name: "Delete" }).click();
    await confirm.waitFor({ state: "detached" });
    await tags.getByRole("link", { name: "2.0", exact: true }).waitFor({ state: "detached" });
    await page.getByText("Deleted tag 2.0").first().waitFor();

    step("containers: version page tabs");
    await tags.getByRole("link", { name: "1.0", exact: true }).click();
    await page.getByText(`docker pull ${host}/${repo}/${image}:1.0`, { exact: true }).waitFor();
    await page.getByRole("tab", { name: "Details", selected: true }).waitFor();
    await page.getByText("application/vnd.docker.distribution.manifest.v2+json").waitFor();
    await shot("containers-version-details");
    await page.setViewportSize(phone);
    await shot("containers-version-details-phone");
    await page.setViewportSize(desktop);
    await page.getByRole("tab", { name: "Configuration" }).click();
    await page.waitForURL(/tab=configuration/);
    await page.getByRole("list", { name: "Environment" }).getByText("GREETING=hello").waitFor();
    await page.getByRole("table", { name: "Labels" }).getByText("fx-app", { exact: true }).waitFor();
    await page.getByText("/bin/sh", { exact: true }).waitFor();
    await shot("containers-version-configuration");
    await page.getByRole("tab", { name: "Layers" }).click();
    const layers = page.getByRole("table", { name: "Layers" });
    await layers.getByText("application/vnd.docker.image.rootfs.diff.tar.gzip").waitFor();
    await expect((await layers.getByRole("row").count()) === 2, "one layer");
    await shot("containers-version-layers");

    step("containers: a multi-arch index lists its platforms");
    await page.goto(`${base}/repositories/${idx.repo}?image=${encodeURIComponent(idx.image)}&tag=${idx.tag}`);
    const platforms = page.getByRole("table", { name: "Platforms" });
    await platforms.getByRole("link", { name: "linux/amd64" }).waitFor();
    await platforms.getByRole("link", { name: "linux/arm64" }).waitFor();
    await page.getByText("multi-platform index").waitFor();
    await shot("containers-index");
    await platforms.getByRole("link", { name: "linux/arm64" }).click();
    await page.waitForURL(/digest=sha256/);
    await page.getByText("linux/arm64", { exact: true }).waitFor();
    await page.getByRole("tab", { name: "Layers" }).click();
    await page.getByRole("table", { name: "Layers" }).waitFor();
    await shot("containers-index-child");
  }

  // KODERA_E2E_IMAGE=repo/image:tag names an OCI image pushed by hand.
  const pushed = process.env.KODERA_E2E_IMAGE;
  if (pushed) {
    step(`docker repository: browse ${pushed}`);
    const { repo, image, tag } = parseRef(pushed, "KODERA_E2E_IMAGE");
    await page.goto(`${base}/repositories/${repo}`);
    await page.getByRole("table", { name: "Images" }).getByRole("link", { name: image, exact: true }).click();
    await page.getByRole("table", { name: "Tags" }).getByRole("link", { name: tag, exact: true }).click();
    await page.getByText(`docker pull ${host}/${repo}/${image}:${tag}`).waitFor();
    await page.getByRole("tab", { name: "Configuration" }).click();
    await page.getByText("/hello", { exact: true }).waitFor();
    await page.getByRole("tab", { name: "Layers" }).click();
    await page.getByRole("table", { name: "Layers" }).getByText("COPY hello /").waitFor();
    await shot("08-docker-layers");
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
