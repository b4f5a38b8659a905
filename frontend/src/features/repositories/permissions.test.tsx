import "@testing-library/jest-dom/vitest";
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// openapi-fetch takes fetch and Request at import: stub them first (see
// connect/ConnectDialog.test.tsx) so the client's relative URLs resolve.
const fetchMock = vi.hoisted(() => {
  const f = vi.fn<typeof fetch>();
  const Base = globalThis.Request;
  class PageRequest extends Base {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://ui.test") : input, init);
    }
  }
  globalThis.fetch = f;
  globalThis.Request = PageRequest as typeof Request;
  return f;
});

import { newQueryClient } from "../../api/query";
import type { Repository } from "../../api/client";
import { ToastProvider } from "../../ui";
import { PermissionsPanel } from "./permissions";

const repo: Repository = {
  name: "web",
  type: "docker",
  description: "",
  visibility: "private",
  immutable: false,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  access: "admin",
};

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** The server: one grant (bob: read); PUT answers per principal; records the writes. */
function server(put: (principal: string, level: string) => Response) {
  const writes: string[] = [];
  fetchMock.mockImplementation(async (...args) => {
    // Only the client's calls carry a Request; ignore anything else.
    if (!(args[0] instanceof Request)) return new Response(null, { status: 404 });
    const req = args[0];
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (req.method === "GET") {
      return json({ items: [{ principal: "user:bob", level: "read", createdAt: "2026-01-02T00:00:00Z" }], total: 1, limit: 20, offset: 0 });
    }
    const principal = path.split("/").pop()!;
    if (req.method === "PUT") {
      const { level } = (await req.json()) as { level: string };
      writes.push(`PUT ${principal} ${level}`);
      return put(principal, level);
    }
    writes.push(`${req.method} ${principal}`);
    return new Response(null, { status: 204 });
  });
  return writes;
}

function renderPanel() {
  return render(
    <QueryClientProvider client={newQueryClient()}>
      <ToastProvider>
        <PermissionsPanel repo={repo} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

beforeEach(() => fetchMock.mockReset());
afterEach(cleanup);

describe("PermissionsPanel", () => {
  it("changes a level only after confirmation", async () => {
    const user = userEvent.setup();
    const writes = server((p, level) => json({ principal: p, level, createdAt: "2026-01-02T00:00:00Z" }));
    renderPanel();
    const table = await screen.findByRole("table", { name: "Permissions" });
    await within(table).findByText("bob");
    await user.selectOptions(within(table).getByLabelText("Level of user:bob"), "admin");
    const confirm = screen.getByRole("dialog", { name: "Change the level of user:bob" });
    expect(writes).toEqual([]);
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(writes).toEqual([]);

    await user.selectOptions(within(table).getByLabelText("Level of user:bob"), "write");
    await user.click(within(screen.getByRole("dialog", { name: "Change the level of user:bob" })).getByRole("button", { name: "Change level" }));
    await waitFor(() => expect(writes).toEqual(["PUT user:bob write"]));
  });

  it("removes a grant only after confirmation", async () => {
    const user = userEvent.setup();
    const writes = server(() => json({}));
    renderPanel();
    await user.click(await screen.findByRole("button", { name: "Remove user:bob" }));
    expect(writes).toEqual([]);
    await user.click(within(screen.getByRole("dialog", { name: "Remove user:bob" })).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(writes).toEqual(["DELETE user:bob"]));
  });

  it("checks the principal's name, then shows the server's detail on the field", async () => {
    const user = userEvent.setup();
    const writes = server((p) => json({ status: 404, title: "Not Found", detail: `${p} not found` }, 404));
    renderPanel();
    await screen.findByText("bob");
    const name = screen.getByLabelText("Principal name");
    await user.type(name, "user:carol");
    await user.click(screen.getByRole("button", { name: "Grant" }));
    expect(await screen.findByText("No spaces, ':' or '/'.")).toBeVisible();
    expect(writes).toEqual([]);

    await user.clear(name);
    await user.type(name, "carol");
    await user.selectOptions(screen.getByLabelText("Principal kind"), "service");
    await user.click(screen.getByRole("button", { name: "Grant" }));
    expect(await screen.findByText("service:carol not found")).toBeVisible();
    expect(writes).toEqual(["PUT service:carol read"]);
    expect(name).toHaveAttribute("aria-invalid", "true");
  });
});
