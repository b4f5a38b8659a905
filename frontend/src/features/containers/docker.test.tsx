import "@testing-library/jest-dom/vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// openapi-fetch takes fetch and Request when the client is created (at
// import): the stubs go in first (as in ConnectDialog.test.tsx).
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

import { QueryClientProvider } from "@tanstack/react-query";
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider } from "@tanstack/react-router";
import { newQueryClient } from "../../api/query";
import { parseSearch, searchSchemas, stringifySearch } from "../../routes";
import { ToastProvider } from "../../ui";
import { DockerBrowser } from "./docker";

const repo = { name: "shop", type: "docker", access: "write" } as Parameters<typeof DockerBrowser>[0]["repo"];
const tag = (name: string) => ({ name, digest: "sha256:" + "c".repeat(64), mediaType: "application/vnd.docker.distribution.manifest.v2+json", size: 900, updatedAt: "2026-12-01T10:00:00Z", platforms: ["linux/amd64"] });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

function renderAt(url: string) {
  const qc = newQueryClient();
  qc.setQueryData(["system-info"], { version: "", guestAccess: false, baseUrl: "https://registry.example", license: { status: "active" } });
  qc.setQueryData(["session"], { username: "alice", roles: [] });
  const root = createRootRoute({ component: Outlet });
  const page = createRoute({ getParentRoute: () => root, path: "/repositories/$name", validateSearch: searchSchemas.repository, component: () => <DockerBrowser repo={repo} /> });
  const router = createRouter({ routeTree: root.addChildren([page]), history: createMemoryHistory({ initialEntries: [url] }), parseSearch, stringifySearch });
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <RouterProvider router={router as never} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return router;
}

const requests = () => fetchMock.mock.calls.map(([r]) => r as Request);

// A braced body: a function returned from beforeEach is run as its cleanup.
beforeEach(() => {
  fetchMock.mockReset();
});
afterEach(cleanup);

describe("the tags of an image", () => {
  it("asks the server for the URL's filter, sort and page, and reports failed deletions per tag", async () => {
    const user = userEvent.setup();
    fetchMock.mockImplementation(async (input) => {
      const r = input as Request;
      const u = new URL(r.url);
      if (r.method === "GET" && u.pathname === "/api/v1/repositories/shop/docker/images/app/tags") return json({ items: [tag("1.0"), tag("1.1")], total: 2, limit: 50, offset: 0 });
      if (r.method === "DELETE" && u.pathname.endsWith("/tags/1.0")) return new Response(null, { status: 204 });
      if (r.method === "DELETE" && u.pathname.endsWith("/tags/1.1")) return json({ status: 409, title: "Conflict", detail: "tag 1.1 is immutable" }, 409);
      return json({ status: 404, title: "Not Found" }, 404);
    });
    renderAt("/repositories/shop?image=app&q=1.&sort=name&page=1");
    const table = await screen.findByRole("table", { name: "Tags" });
    await within(table).findByRole("link", { name: "1.0" });
    const get = new URL(requests()[0].url);
    expect(Object.fromEntries(get.searchParams)).toEqual({ q: "1.", sort: "name", limit: "50", offset: "0" });
    expect(screen.getByText("docker pull registry.example/shop/app:1.0")).toBeVisible();

    await user.click(within(table).getByRole("checkbox", { name: "Select all rows on this page" }));
    await user.click(within(screen.getByRole("region", { name: "Bulk actions" })).getByRole("button", { name: "Delete 2 tags" }));
    const dialog = screen.getByRole("dialog", { name: "Delete 2 tags?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    const failures = await screen.findByText("1 of 2 failed:");
    expect(failures.closest("[role=alert]")).toHaveTextContent("1.1: tag 1.1 is immutable");
    expect(failures.closest("[role=alert]")).not.toHaveTextContent("1.0");
    expect(requests().filter((r) => r.method === "DELETE").map((r) => new URL(r.url).pathname)).toEqual([
      "/api/v1/repositories/shop/docker/images/app/tags/1.0",
      "/api/v1/repositories/shop/docker/images/app/tags/1.1",
    ]);
    await waitFor(() => expect(screen.getAllByText("Deleted tag 1.0").length).toBeGreaterThan(0));
  });

  it("falls back to newest pushed first for a sort the listing does not offer", async () => {
    fetchMock.mockResolvedValue(json({ items: [], total: 0, limit: 50, offset: 0 }));
    renderAt("/repositories/shop?image=app&sort=updated");
    await screen.findByText(/This image has no tags/);
    expect(new URL(requests()[0].url).searchParams.get("sort")).toBe("-pushed");
  });
});
