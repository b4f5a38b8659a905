import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CreateTokenDialog, parseRepositoryList, tokenCreateBody, tokenFormSchema, type CreatedToken } from "./access-tokens";
import { bulkSummary, BulkReport } from "./bulk-report";

afterEach(cleanup);

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("tokenCreateBody", () => {
  it("turns the expiry into a date that many days ahead, one scope, no repository limit", () => {
    expect(tokenCreateBody({ name: "laptop", expires: "30", scope: "read", repositories: "" }, now)).toEqual({
      name: "laptop",
      scopes: ["read"],
      expiresAt: "2026-01-31T12:00:00.000Z",
    });
  });
  it("omits expiresAt for 'never' and limits to the listed repositories", () => {
    const b = tokenCreateBody({ name: "ci", expires: "never", scope: "write", repositories: " app, lib  app\nweb " }, now);
    expect(b).toEqual({ name: "ci", scopes: ["write"], repositories: ["app", "lib", "web"] });
    expect("expiresAt" in b).toBe(false);
  });
});

describe("tokenFormSchema", () => {
  const base = { name: "x", expires: "90", scope: "write", repositories: "" } as const;
  it("needs a name", () => {
    const r = tokenFormSchema.safeParse({ ...base, name: "   " });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["name"]);
  });
  it("refuses repository names the server would refuse", () => {
    expect(tokenFormSchema.safeParse({ ...base, repositories: "Good-Name" }).success).toBe(false);
    expect(tokenFormSchema.safeParse({ ...base, repositories: "good-name, other.repo" }).success).toBe(true);
  });
  it("parses repository lists without empties", () => {
    expect(parseRepositoryList(" , ,")).toEqual([]);
  });
});

describe("CreateTokenDialog", () => {
  it("sends the form and then shows the secret once with a copy button", async () => {
    const created: CreatedToken = { id: 7, name: "laptop", prefix: "kdr_ab", scopes: ["read"], repositories: [], createdAt: "2026-01-01T00:00:00Z", secret: "kdr_abcdef0123456789" };
    const create = vi.fn().mockResolvedValue(created);
    render(<CreateTokenDialog create={create} onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "laptop" } });
    fireEvent.click(screen.getByRole("radio", { name: /download and browse/ }));
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await screen.findByRole("dialog", { name: "Token created" });
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0][0]).toMatchObject({ name: "laptop", scopes: ["read"] });
    expect(screen.getByLabelText("Token secret").textContent).toBe("kdr_abcdef0123456789");
    expect(screen.getByText(/you will not see it again/)).toBeTruthy();
    expect(screen.getByRole("button", { name: /Copy token/ })).toBeTruthy();
  });
  it("shows a name error and does not call the server for an empty name", async () => {
    const create = vi.fn();
    render(<CreateTokenDialog create={create} onClose={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await screen.findByText("Give the token a name.");
    expect(create).not.toHaveBeenCalled();
  });
  it("shows the server's detail when creation is refused", async () => {
    const create = vi.fn().mockRejectedValue({ status: 409, title: "Conflict", detail: "a token named laptop exists" });
    render(<CreateTokenDialog create={create} onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "laptop" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("a token named laptop exists"));
    expect(screen.queryByRole("dialog", { name: "Token created" })).toBeNull();
  });
});

describe("bulk results", () => {
  it("summarises successes and failures", () => {
    expect(bulkSummary({ ok: [1, 2], failed: [] }, "Deleted", "user")).toBe("Deleted 2 users.");
    expect(bulkSummary({ ok: [1], failed: [{ item: 2, error: null }] }, "Revoked", "token")).toBe("Revoked 1 token; 1 failed.");
  });
  it("lists each failed row with the server's detail", () => {
    render(<BulkReport result={{ ok: ["a"], failed: [{ item: "admin", error: { status: 409, detail: "cannot delete the last admin" } }] }} name={(s) => s} />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("1 of 2 failed");
    expect(alert.textContent).toContain("admin: cannot delete the last admin");
  });
});
