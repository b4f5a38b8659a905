// Browser scenario against a running kodera: node e2e/run.mjs <baseURL>
//
// Drives Debian's chromium (no browser download) through playwright-core:
// log in, create a repository, see it listed, filter the list, open Connect
// and check its commands, taking screenshots on the way. Exits 0 on success.
//
// Environment: KODERA_E2E_USER / KODERA_E2E_PASSWORD (default the test admin),
// KODERA_E2E_OUT (screenshots; default e2e/out), CHROMIUM (default
// /usr/bin/chromium), KODERA_E2E_HEADED=1 to watch it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = (process.argv[2] || process.env.KODERA_E2E_URL || "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node e2e/run.mjs <baseURL>");
  process.exit(2);
}
const user = process.env.KODERA_E2E_USER || "admin";
const password = process.env.KODERA_E2E_PASSWORD || "admin-password-for-tests";
const out = process.env.KODERA_E2E_OUT || join(import.meta.dirname, "out");
mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "kodera-e2e-chromium-"));

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: process.env.KODERA_E2E_HEADED !== "1",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ].filter((a) => a !== "--headless" || process.env.KODERA_E2E_HEADED !== "1"),
  viewport: { width: 1280, height: 800 },
  timeout: 60_000,
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.setDefaultTimeout(15_000);
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && problems.push(`console: ${m.text()}`));

// Every API answer, printed on failure (the server log has the rest).
const calls = [];
page.on("response", (r) => r.url().includes("/api/") && calls.push(`${r.request().method()} ${new URL(r.url()).pathname} -> ${r.status()}`));
page.on("requestfailed", (r) => calls.push(`${r.method()} ${new URL(r.url()).pathname} -> failed: ${r.failure()?.errorText}`));

const step = (s) => console.log(`e2e: ${s}`);
const shot = async (name) => {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  step(`screenshot ${join(out, name + ".png")}`);
};
const expect = async (cond, what) => {
  if (!(await cond)) throw new Error(`expected ${what}`);
};

/** Waits for the URL, failing at once with the UI's error message if one shows. */
const waitOrAlert = async (url, what) => {
  const alert = page.getByRole("alert").first();
  await Promise.race([
    page.waitForURL(url),
    alert.waitFor().then(async () => {
      throw new Error(`${what}: the UI says "${(await alert.textContent())?.trim()}"`);
    }),
  ]);
};

const repo = `e2e-${Date.now().toString(36)}`;
let code = 0;
try {
  step(`open ${base}/`);
  await page.goto(base + "/");
  // With guest access on, anonymous visitors browse; otherwise they log in.
  await page.waitForURL(/\/(login|repositories)/);
  if (!page.url().includes("/login")) {
    await page.getByRole("heading", { name: "Repositories" }).waitFor();
    await page.getByRole("link", { name: "Log in" }).click();
    await page.waitForURL(/\/login/);
  }
  await page.getByLabel("Username").waitFor();
  await shot("01-login");

  step(`log in as ${user}`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await waitOrAlert(/\/repositories$/, "log in");
  await page.getByRole("heading", { name: "Repositories" }).waitFor();

  step(`create repository ${repo}`);
  await page.getByRole("button", { name: "Create repository" }).click();
  const dialog = page.getByRole("dialog", { name: "Create repository" });
  await dialog.getByLabel("Name").fill(repo);
  await dialog.getByLabel("Type").selectOption("docker");
  await dialog.getByLabel("Description").fill("Created by the browser test");
  await dialog.getByLabel(/Public/).check();
  await shot("02-create");
  await dialog.getByRole("button", { name: "Create" }).click();
  await waitOrAlert(new RegExp(`/repositories/${repo}$`), "create repository");
  await page.getByRole("heading", { name: repo }).waitFor();

  step("see it listed");
  await page.getByRole("link", { name: "Repositories", exact: true }).first().click();
  await page.waitForURL(/\/repositories$/);
  const row = page.locator(`tr[data-repo="${repo}"]`);
  await row.waitFor();
  await expect(row.getByText("Docker / OCI").isVisible(), "the type in the row");
  await expect(row.getByText("public").isVisible(), "the visibility in the row");

  step("filter by name");
  await page.getByLabel("Filter by name").fill(repo);
  await page.waitForURL(new RegExp(`q=${repo}`));
  await row.waitFor();
  await page.getByLabel("Filter by name").fill(repo + "-nothing");
  await page.getByText("No repositories match the filter.").waitFor();
  await page.getByLabel("Filter by name").fill(repo.slice(0, 6));
  await row.waitFor();

  step("filter by type");
  await page.getByLabel("Type").selectOption("files");
  await row.waitFor({ state: "detached" });
  await page.getByLabel("Type").selectOption("docker");
  await row.waitFor();
  await shot("03-list");

  step("open Connect");
  await row.getByRole("link", { name: repo }).click();
  await page.waitForURL(new RegExp(`/repositories/${repo}$`));
  await page.getByRole("button", { name: "Connect" }).click();
  const connect = page.getByRole("dialog", { name: `Connect to ${repo}` });
  await connect.waitFor();
  const host = new URL(base).host;
  for (const want of [`docker login ${host}`, `docker push ${host}/${repo}/my-image:1.0`, `helm push my-chart-0.1.0.tgz oci://${host}/${repo}`]) {
    await expect(connect.getByText(want, { exact: false }).first().isVisible(), `"${want}" in the Connect dialog`);
  }
  await shot("04-connect");
  await connect.getByRole("button", { name: "Close" }).click();

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

  step("profile: create a personal token, see its secret once");
  await page.getByRole("link", { name: "Profile" }).click();
  await page.getByRole("heading", { name: "Personal tokens" }).waitFor();
  await page.getByRole("button", { name: "Create token" }).click();
  const tok = page.getByRole("dialog", { name: "Create token" });
  await tok.getByLabel("Name", { exact: true }).fill("e2e");
  await tok.getByRole("button", { name: "Create" }).click();
  const created = page.getByRole("dialog", { name: "Token created" });
  await created.waitFor();
  const secret = (await created.locator("pre").textContent())?.trim() ?? "";
  if (secret.length < 16) throw new Error(`token secret looks wrong: "${secret}"`);
  await created.getByRole("button", { name: "Close" }).click();
  await page.getByRole("table", { name: "Tokens" }).getByText("e2e", { exact: true }).waitFor();

  step("administration: create a user; settings, audit log");
  const member = `${repo}-dev`;
  await page.getByRole("link", { name: "Administration" }).click();
  await page.getByRole("table", { name: "Users" }).getByText(user, { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Create user" }).click();
  const ud = page.getByRole("dialog", { name: "Create user" });
  await ud.getByLabel("Nickname (login)").fill(member);
  await ud.getByLabel("Full name").fill("Dev Eloper");
  await ud.getByLabel("Email").fill("dev@example.com");
  await ud.getByLabel(/^Password/).fill("a-long-enough-password");
  await ud.getByRole("button", { name: "Create" }).click();
  await page.getByRole("table", { name: "Users" }).getByText(member, { exact: true }).waitFor();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel(/Guest access/).waitFor();
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("table", { name: "Audit events" }).getByText(repo).first().waitFor();
  await shot("06-audit");

  // KODERA_E2E_LICENSE is a key the server trusts: pasting it ends evaluation mode.
  step("licensing: evaluation banner, activate a key");
  const banner = page.getByRole("status").filter({ hasText: /Evaluation mode/ });
  await banner.waitFor();
  await page.getByRole("link", { name: "Licensing" }).click();
  await page.getByText("evaluation", { exact: true }).waitFor();
  const licenseKey = process.env.KODERA_E2E_LICENSE;
  if (licenseKey) {
    await page.getByLabel(/License key/).fill(licenseKey);
    await page.getByRole("button", { name: "Activate" }).click();
    await page.getByText("active", { exact: true }).waitFor();
    await banner.waitFor({ state: "detached" });
    await shot("07-license");
  }

  step("permissions: grant the new user write on the repository");
  await page.goto(`${base}/repositories/${repo}`);
  const perms = page.getByRole("table", { name: "Permissions" });
  await perms.waitFor();
  await page.getByLabel("Principal name").fill(member);
  await page.getByLabel("Level", { exact: true }).selectOption("write");
  await page.getByRole("button", { name: "Grant" }).click();
  await perms.getByText(member).waitFor();
  await expect(perms.getByLabel(`Level of user:${member}`).inputValue().then((v) => v === "write"), "the grant at level write");

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

  step("a reload keeps the session; logout ends it");
  await page.goto(`${base}/repositories/${repo}`);
  await page.reload();
  await page.getByRole("table", { name: "Permissions" }).getByText(member).waitFor();
  await shot("07-permissions");
  await page.getByRole("button", { name: "Logout" }).click();
  await page.waitForURL(/\/login/);
  const after = await page.evaluate(async () => (await fetch("/api/v1/me", { headers: { "X-Requested-With": "XMLHttpRequest" } })).status);
  if (after !== 401) throw new Error(`after logout GET /api/v1/me answered ${after}, want 401`);

  step(`log in as ${member}: no Administration, private repositories hidden`);
  await page.getByLabel("Username").fill(member);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await waitOrAlert(/\/repositories$/, `log in as ${member}`);
  await page.locator(`tr[data-repo="${repo}"]`).waitFor();
  if (await page.locator(`tr[data-repo="${filesRepo}"]`).count()) throw new Error(`${member} sees the private ${filesRepo}`);
  if (await page.getByRole("link", { name: "Administration" }).count()) throw new Error(`${member} sees Administration`);
  await shot("09-member");

  if (problems.length) throw new Error(`browser reported errors:\n  ${problems.join("\n  ")}`);
  step("ok");
} catch (e) {
  code = 1;
  console.error(`e2e: FAILED: ${e?.message ?? e}`);
  if (problems.length) console.error(`browser said:\n  ${problems.join("\n  ")}`);
  console.error(`URL ${page.url()}; API calls:\n  ${calls.slice(-20).join("\n  ")}`);
  try {
    await shot("failure");
  } catch {
    /* the page may be gone */
  }
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
