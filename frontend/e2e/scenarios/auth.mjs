// Sign-in and sign-out: the login page (a refusal shows the server's words),
// the session across a reload, logout, a non-admin member, and an anonymous
// visitor with guest access on.

/** @param {import("../run.mjs").Context} ctx */
export async function login(ctx) {
  const { page, base, shot, step, waitOrAlert, user, password } = ctx;
  step(`open ${base}/`);
  await page.goto(base + "/");
  // With guest access on, anonymous visitors browse; otherwise they log in.
  await page.waitForURL(/\/(login|repositories)/);
  if (!page.url().includes("/login")) {
    await page.getByRole("heading", { name: "Repositories" }).waitFor();
    await page.getByRole("link", { name: "Log in" }).first().click();
    await page.waitForURL(/\/login/);
  }
  await page.getByLabel("Username").waitFor();
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot("01-login");

  step("a wrong password: the server's detail shows on the form");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  const refusal = page.getByRole("alert").first();
  await refusal.waitFor();
  if (!((await refusal.textContent()) ?? "").trim()) throw new Error("the failed login shows an empty message");
  await shot("01-login-failed");
  await page.setViewportSize({ width: 1280, height: 800 });

  step(`log in as ${user}`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await waitOrAlert(/\/repositories$/, "log in");
  await page.getByRole("heading", { name: "Repositories" }).waitFor();
}

/** @param {import("../run.mjs").Context} ctx */
export async function sessionAndMember(ctx) {
  const { page, base, shot, step, waitOrAlert, state } = ctx;
  const { repo, filesRepo, member } = state;
  step("a reload keeps the session; ?next= is honoured; logout ends it");
  await page.goto(`${base}/repositories/${repo}?settings=permissions`);
  await page.reload();
  await page.getByRole("dialog", { name: `Edit ${repo}` }).getByRole("table", { name: "Permissions" }).getByText(member).waitFor();
  await shot("07-permissions");
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: `Edit ${repo}` }).waitFor({ state: "detached" });

  step("guest access on, for the anonymous visitor below");
  const status = await page.evaluate(async () => {
    const h = { "X-Requested-With": "XMLHttpRequest" };
    const s = await (await fetch("/api/v1/auth/session", { headers: h })).json();
    const r = await fetch("/api/v1/admin/settings", {
      method: "PUT",
      headers: { ...h, "Content-Type": "application/json", "X-CSRF-Token": s.csrfToken },
      body: JSON.stringify({ guestAccess: true }),
    });
    return r.status;
  });
  if (status !== 200) throw new Error(`PUT /api/v1/admin/settings answered ${status}`);

  await page.getByRole("button", { name: /^User menu/ }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await page.waitForURL(/\/login/);
  const after = await page.evaluate(async () => (await fetch("/api/v1/me", { headers: { "X-Requested-With": "XMLHttpRequest" } })).status);
  if (after !== 401) throw new Error(`after logout GET /api/v1/me answered ${after}, want 401`);

  step(`log in as ${member} through ?next=: back on the page asked for`);
  await page.goto(`${base}/login?next=${encodeURIComponent("/repositories?type=docker")}`);
  await page.getByLabel("Username").fill(member);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await waitOrAlert(/\/repositories\?type=docker$/, `log in as ${member}`);
  await page.locator(`tr[data-repo="${repo}"]`).waitFor();
  await page.goto(`${base}/repositories`);
  await page.locator(`tr[data-repo="${repo}"]`).waitFor();
  if (await page.locator(`tr[data-repo="${filesRepo}"]`).count()) throw new Error(`${member} sees the private ${filesRepo}`);
  if (await page.getByRole("link", { name: "Administration" }).count()) throw new Error(`${member} sees Administration`);
  await shot("09-member");

  step(`${member} opening Administration by URL is refused`);
  await page.goto(`${base}/admin/users`);
  await page.getByRole("heading", { name: "Not allowed" }).waitFor();
  if (await page.getByRole("table", { name: "Users" }).count()) throw new Error(`${member} sees the users table`);

  step("an anonymous visitor: public repositories, a hint to log in, deep links do not bounce");
  await page.goto(`${base}/repositories`);
  await page.getByRole("button", { name: /^User menu/ }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await page.waitForURL(/\/login/);
  await page.goto(`${base}/repositories/${repo}`);
  await page.getByRole("heading", { name: repo }).waitFor();
  if (page.url().includes("/login")) throw new Error("the public repository's deep link bounced to login");
  if (await page.getByRole("button", { name: "Edit" }).count()) throw new Error("an anonymous visitor sees Edit");
  await page.goto(`${base}/repositories`);
  await page.locator(`tr[data-repo="${repo}"]`).waitFor();
  await page.getByText("to see private repositories").first().waitFor();
  if (await page.locator(`tr[data-repo="${filesRepo}"]`).count()) throw new Error(`an anonymous visitor sees the private ${filesRepo}`);
  if (await page.getByRole("button", { name: "Create repository" }).count()) throw new Error("an anonymous visitor may create repositories");
  await shot("13-anonymous");
}
