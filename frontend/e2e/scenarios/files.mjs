// Files repository: upload through the UI, browse, details, download.

/** @param {import("../run.mjs").Context} ctx */
export async function files(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const repo = state.repo;
  step("files repository: upload through the UI, browse, details");
  const filesRepo = `${repo}-files`;
  await page.getByRole("link", { name: "Repositories", exact: true }).first().click();
  await page.getByRole("button", { name: "Create repository" }).click();
  const fd = page.getByRole("dialog", { name: "Create repository" });
  await fd.getByLabel("Name").fill(filesRepo);
  await fd.getByLabel("Type").selectOption("files");
  await fd.getByRole("button", { name: "Create" }).click();
  await waitOrAlert(new RegExp(`/repositories/${filesRepo}$`), "create files repository");
  await page.getByText("No files yet").waitFor();
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Upload" }).click();
  await (await chooser).setFiles({ name: "hello.txt", mimeType: "text/plain", buffer: Buffer.from("hello from the browser test\n") });
  const fileLink = page.getByRole("table", { name: "Files" }).getByRole("link", { name: "hello.txt" });
  await Promise.race([
    fileLink.waitFor(),
    page.getByRole("alert").first().waitFor().then(async () => {
      throw new Error(`upload: the UI says "${(await page.getByRole("alert").first().textContent())?.trim()}"`);
    }),
  ]);
  await fileLink.click();
  const details = page.getByRole("complementary", { name: "File details" });
  await details.getByText("text/plain").first().waitFor();
  await details.getByText("28 B").waitFor();
  const href = await details.getByRole("link", { name: "Download" }).getAttribute("href");
  const body = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  if (body !== "hello from the browser test\n") throw new Error(`download gave ${JSON.stringify(body)}`);
  await shot("05-files");
}
