// Sign-in and sign-out: the login page, the session across a reload, logout, a non-admin member.

/** @param {import("../run.mjs").Context} ctx */
export async function login(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
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
}

/** @param {import("../run.mjs").Context} ctx */
export async function sessionAndMember(ctx) {
  const { page, base, shot, step, expect, waitOrAlert, state, user, password } = ctx;
  const { repo, filesRepo, member } = state;
  step("a reload keeps the session; logout ends it");
  await page.goto(`${base}/repositories/${repo}`);
  await page.reload();
  await page.getByRole("table", { name: "Permissions" }).getByText(member).waitFor();
  await shot("07-permissions");
  await page.getByRole("button", { name: /^User menu/ }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
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

  step(`${member} opening Administration by URL is refused`);
  await page.goto(`${base}/admin/users`);
  await page.getByRole("heading", { name: "Not allowed" }).waitFor();
  if (await page.getByRole("table", { name: "Users" }).count()) throw new Error(`${member} sees the users table`);
}
