// Files repositories: upload through the UI, browse, details, download
// (files), then the whole content view in a repository of its own (manage).
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

/** @param {import("../run.mjs").Context} ctx */
export async function files(ctx) {
  const { page, shot, step, waitOrAlert, state } = ctx;
  step("files repository: upload through the UI, browse, details");
  const filesRepo = state.filesRepo;
  await page.getByRole("link", { name: "Repositories", exact: true }).first().click();
  await page.getByRole("button", { name: "Create repository" }).click();
  const fd = page.getByRole("dialog", { name: "Create repository" });
  await fd.getByLabel("Name").fill(filesRepo);
  await fd.getByLabel("Type").selectOption("files");
  await fd.getByRole("button", { name: "Create" }).click();
  await waitOrAlert(new RegExp(`/repositories/${filesRepo}$`), "create files repository");
  await page.getByText("No files yet").waitFor();
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
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

const sha256 = (b) => createHash("sha256").update(b).digest("hex");

/**
 * The content view end to end in a repository this scenario creates: a
 * folder, two uploads with progress, the overwrite warning, details with the
 * real sha256, the download's bytes, a move, a bulk delete, the folder's
 * delete. Screenshots: listing (desktop, phone), upload in progress and
 * done, details panel.
 * @param {import("../run.mjs").Context} ctx
 */
export async function manage(ctx) {
  const { page, base, shot, step, expect, user, password } = ctx;
  const name = `fe-${Date.now().toString(36)}`;
  step(`files content view: repository ${name}`);
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const created = await fetch(`${base}/api/v1/repositories`, {
    method: "POST",
    headers: { Authorization: basic, "Content-Type": "application/json" },
    body: JSON.stringify({ name, type: "files", visibility: "private", description: "Files of the browser test" }),
  });
  if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${await created.text()}`);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${base}/repositories/${name}`);
  const table = page.getByRole("table", { name: "Files" });
  await table.getByText("No files yet").waitFor();

  step("files: new folder");
  await page.getByRole("button", { name: "New folder" }).click();
  const nf = page.getByRole("dialog", { name: "New folder" });
  await nf.getByLabel("Folder name").fill("release");
  await nf.getByRole("button", { name: "Create" }).click();
  await nf.waitFor({ state: "detached" });
  await table.getByRole("link", { name: "release" }).click();
  await page.waitForURL(/[?&]path=release(&|$)/);
  await table.getByText("This folder is empty").waitFor();
  await expect(page.getByRole("navigation", { name: "Folder path" }).getByRole("link", { name }).isVisible(), "the breadcrumb back to the root");

  step("files: upload two files with progress");
  const big = randomBytes(4 * 1024 * 1024);
  const notes = Buffer.from("release notes, first draft\n");
  // Slow the upload down so its progress can be seen (and photographed).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
  await page.getByLabel("Files to upload").setInputFiles([
    { name: "app.bin", mimeType: "application/octet-stream", buffer: big },
    { name: "notes.txt", mimeType: "text/plain", buffer: notes },
  ]);
  const uploads = page.getByRole("region", { name: "Uploads" });
  await uploads.waitFor();
  const overall = page.getByTestId("overall-percent");
  const inFlight = await uploads
    .getByText(/Uploading \d file/)
    .waitFor({ timeout: 3000 })
    .then(() => true, () => false);
  if (inFlight) await shot("files-upload-progress");
  else step("files: the upload finished before it could be photographed in flight");
  await uploads.getByText("Uploads finished").waitFor({ timeout: 30_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(overall.textContent().then((t) => t?.trim() === "100%"), "the overall progress at 100%");
  for (const f of ["app.bin", "notes.txt"]) {
    const v = await page.getByLabel(`Upload progress of ${f}`).evaluate((el) => /** @type {HTMLProgressElement} */ (el).value);
    await expect(v === 100, `${f}'s progress at 100 (got ${v})`);
    await table.getByRole("link", { name: f }).waitFor();
  }
  await shot("files-upload-done");

  step("files: the overwrite warning");
  await uploads.getByRole("button", { name: "Clear" }).click();
  const notes2 = Buffer.from("release notes, second draft\n");
  await page.getByLabel("Files to upload").setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: notes2 }]);
  const ow = page.getByRole("dialog", { name: "Replace existing files?" });
  await ow.getByText(/notes\.txt already exists/).waitFor();
  await shot("files-overwrite-warning");
  await ow.getByRole("button", { name: "Replace" }).click();
  await uploads.getByText("Uploads finished").waitFor();

  step("files: details with the real sha256, download");
  await table.getByRole("link", { name: "notes.txt" }).click();
  await page.waitForURL(/[?&]file=release%2Fnotes\.txt/);
  const details = page.getByRole("complementary", { name: "File details" });
  const sum = details.locator('[data-checksum="sha256"]');
  await sum.waitFor();
  await expect(sum.textContent().then((t) => t === sha256(notes2)), `notes.txt's sha256 to be the second draft's ${sha256(notes2)}`);
  await table.getByRole("link", { name: "app.bin" }).click();
  await details.getByRole("heading", { name: "app.bin" }).waitFor();
  await expect(sum.textContent().then((t) => t === sha256(big)), "app.bin's sha256 to be the uploaded bytes'");
  await details.getByText("4.0 MiB").waitFor();
  await shot("files-details");
  const [download] = await Promise.all([page.waitForEvent("download"), details.getByRole("link", { name: "Download" }).click()]);
  const got = await readFile(await download.path());
  await expect(got.equals(big), `the downloaded app.bin (${got.length} bytes) to equal the uploaded one`);
  await details.getByRole("button", { name: "Close details" }).click();
  await details.waitFor({ state: "detached" });
  await shot("files-listing-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot("files-listing-phone");
  await page.setViewportSize({ width: 1440, height: 900 });

  step("files: move notes.txt into a new subfolder");
  await table.getByRole("button", { name: "Move notes.txt" }).click();
  const mv = page.getByRole("dialog", { name: "Move or rename" });
  await mv.getByLabel("New path").fill("release/docs/notes-1.txt");
  await mv.getByRole("button", { name: "Move" }).click();
  await mv.waitFor({ state: "detached" });
  await table.getByRole("link", { name: "docs" }).waitFor();
  await table.getByRole("link", { name: "notes.txt" }).waitFor({ state: "detached" });

  step("files: drop a file onto the folder");
  const dropped = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["dropped in\n"], "dropped.txt", { type: "text/plain" }));
    return dt;
  });
  const zone = page.locator(".files-drop");
  await zone.dispatchEvent("dragenter", { dataTransfer: dropped });
  await zone.dispatchEvent("drop", { dataTransfer: dropped });
  await table.getByRole("link", { name: "dropped.txt" }).waitFor();

  step("files: bulk delete");
  await table.getByLabel("Select app.bin").check();
  await table.getByLabel("Select docs").check();
  await table.getByLabel("Select dropped.txt").check();
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Delete selected" }).click();
  const bd = page.getByRole("dialog", { name: "Delete selected" });
  await bd.getByText(/Delete 3 items/).waitFor();
  await bd.getByRole("button", { name: "Delete" }).click();
  await bd.waitFor({ state: "detached" });
  await table.getByText("This folder is empty").waitFor();

  step("files: delete the folder");
  await page.getByRole("navigation", { name: "Folder path" }).getByRole("link", { name }).click();
  await table.getByRole("button", { name: "Delete release" }).click();
  const del = page.getByRole("dialog", { name: "Delete folder" });
  await del.getByLabel(/Type release to confirm/).fill("release");
  await del.getByRole("button", { name: "Delete" }).click();
  await del.waitFor({ state: "detached" });
  await table.getByText("No files yet").waitFor();

  step("files: a long folder is virtualised");
  const form = new FormData();
  for (let i = 0; i < 300; i++) form.append("file", new Blob([`file ${i}\n`]), `f-${String(i).padStart(3, "0")}.txt`);
  const many = await fetch(`${base}/api/files/${name}/many/`, { method: "POST", headers: { Authorization: basic }, body: form });
  if (many.status !== 201) throw new Error(`upload of 300 files: ${many.status} ${await many.text()}`);
  await page.goto(`${base}/repositories/${name}?path=many`);
  await table.getByRole("link", { name: "f-000.txt" }).waitFor();
  const rendered = await table.locator("tbody tr:not([aria-hidden])").count();
  await expect(rendered < 150, `only a window of the 300 rows in the page (got ${rendered})`);
  await page.locator(".files-long").evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await table.getByRole("link", { name: "f-299.txt" }).waitFor();
  await shot("files-long-folder");
  await cdp.detach();
  await page.setViewportSize({ width: 1280, height: 800 });
}
