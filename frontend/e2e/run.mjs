// Browser scenario against a running kodera: node e2e/run.mjs <baseURL>
//
// Drives Debian's chromium (no browser download) through playwright-core.
// Each area has its scenario module in e2e/scenarios/<area>.mjs exporting
// async functions that take the shared Context below; this file runs them in
// a fixed order (later ones use what earlier ones created, in ctx.state),
// taking screenshots on the way. Exits 0 on success.
//
// Environment: KODERA_E2E_USER / KODERA_E2E_PASSWORD (default the test admin),
// KODERA_E2E_OUT (screenshots; default e2e/out), CHROMIUM (default
// /usr/bin/chromium), KODERA_E2E_HEADED=1 to watch it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import * as admin from "./scenarios/admin.mjs";
import * as auth from "./scenarios/auth.mjs";
import * as connect from "./scenarios/connect.mjs";
import * as containers from "./scenarios/containers.mjs";
import * as files from "./scenarios/files.mjs";
import * as go from "./scenarios/go.mjs";
import * as layout from "./scenarios/layout.mjs";
import * as profile from "./scenarios/profile.mjs";
import * as pypi from "./scenarios/pypi.mjs";
import * as repositories from "./scenarios/repositories.mjs";
import * as search from "./scenarios/search.mjs";

const base = (process.argv[2] || process.env.KODERA_E2E_URL || "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node e2e/run.mjs <baseURL>");
  process.exit(2);
}
const user = process.env.KODERA_E2E_USER || "admin";
const password = process.env.KODERA_E2E_PASSWORD || "admin-password-for-tests";
const out = process.env.KODERA_E2E_OUT || join(import.meta.dirname, "out");
mkdirSync(out, { recursive: true });
const profileDir = mkdtempSync(join(tmpdir(), "kodera-e2e-chromium-"));

const browser = await chromium.launchPersistentContext(profileDir, {
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
const page = browser.pages()[0] ?? (await browser.newPage());
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

/**
 * What every scenario gets.
 * @typedef {{ page: import("playwright-core").Page, base: string, user: string, password: string,
 *   step: (s: string) => void, shot: (name: string) => Promise<void>,
 *   expect: (cond: unknown, what: string) => Promise<void>,
 *   waitOrAlert: (url: RegExp, what: string) => Promise<void>,
 *   state: { repo: string, filesRepo: string, member: string } }} Context
 */
/** @type {Context} */
const ctx = { page, base, user, password, step, shot, expect, waitOrAlert, state: { repo, filesRepo: `${repo}-files`, member: `${repo}-dev` } };

// The fixed order: sign in, then each area; sign-out and the member's view last.
const scenarios = [
  auth.login,
  repositories.createAndList,
  connect.connect,
  files.files,
  files.manage,
  profile.profile,
  admin.admin,
  repositories.permissions,
  repositories.bulkDelete,
  containers.containers,
  pypi.pypi,
  go.go,
  search.search,
  layout.narrowScreen,
  auth.sessionAndMember,
];

// KODERA_E2E_ONLY=containers,pypi runs the sign-in and just those scenarios.
const only = (process.env.KODERA_E2E_ONLY || "").split(",").filter(Boolean);
const chosen = only.length ? scenarios.filter((run) => run === auth.login || only.includes(run.name)) : scenarios;

let code = 0;
try {
  for (const run of chosen) await run(ctx);
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
  await browser.close();
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(code);
