import "@testing-library/jest-dom/vitest";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider } from "@tanstack/react-router";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";

// openapi-fetch takes globalThis.fetch and Request when the client is
// created (at import), so the stubs go in before any import.
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

import { sessionQuery, infoQuery } from "../../api/session";
import { ToastProvider } from "../../ui";
import type { Repository } from "../../api/client";
import { FilesBrowser } from "./files";

/** Records the uploads instead of sending them. */
class FakeXHR {
  static sent: { method: string; url: string; file: string }[] = [];
  upload = { onprogress: null };
  withCredentials = false;
  private method = "";
  private url = "";
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader() {}
  send(body: FormData) {
    FakeXHR.sent.push({ method: this.method, url: this.url, file: (body.get("file") as File).name });
  }
  abort() {}
}

const listing = {
  repository: "docs",
  path: "release",
  items: [
    { name: "old", path: "release/old", folder: true, size: 0, modifiedAt: "2026-01-02T03:04:05Z" },
    { name: "a.txt", path: "release/a.txt", folder: false, size: 12, modifiedAt: "2026-01-02T03:04:05Z" },
  ],
};

function renderAt(url: string, repo: Repository, user: unknown) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(sessionQuery.queryKey, user as never);
  qc.setQueryData(infoQuery.queryKey, { version: "", guestAccess: true, baseUrl: "http://kodera.test", license: { status: "active" } });
  const root = createRootRoute({ component: () => <Outlet /> });
  const route = createRoute({
    getParentRoute: () => root,
    path: "/repositories/$name",
    validateSearch: z.object({ path: z.optional(z.string()), file: z.optional(z.string()) }),
    component: () => <FilesBrowser repo={repo} />,
  });
  const router = createRouter({ routeTree: root.addChildren([route]), history: createMemoryHistory({ initialEntries: [url] }) });
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <RouterProvider router={router as never} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

const repo = (access?: Repository["access"]): Repository => ({
  name: "docs",
  type: "files",
  description: "",
  visibility: "public",
  immutable: false,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  access,
});

beforeEach(() => {
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input) => {
    const u = new URL(input instanceof Request ? input.url : String(input));
    if (u.pathname === "/api/v1/repositories/docs/files" && u.searchParams.get("path") === "release") {
      return new Response(JSON.stringify(listing), { headers: { "Content-Type": "application/json" } });
    }
    return new Response(JSON.stringify({ status: 404, title: "Not Found", detail: `no ${u.pathname}` }), { status: 404, headers: { "Content-Type": "application/problem+json" } });
  });
  FakeXHR.sent = [];
  vi.stubGlobal("XMLHttpRequest", FakeXHR);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("FilesBrowser", () => {
  it("shows a read-only visitor the folder and its breadcrumbs, without upload or delete controls", async () => {
    renderAt("/repositories/docs?path=release", repo("read"), { kind: "user", username: "reader", roles: [] });
    const table = await screen.findByRole("table", { name: "Files" });
    expect(await within(table).findByRole("link", { name: "a.txt" })).toHaveAttribute("href", expect.stringContaining("file=release%2Fa.txt"));
    expect(within(table).getByRole("link", { name: "old" })).toHaveAttribute("href", expect.stringContaining("path=release%2Fold"));
    const crumbs = screen.getByRole("navigation", { name: "Folder path" });
    expect(within(crumbs).getByRole("link", { name: "docs" })).toBeInTheDocument();
    expect(within(crumbs).getByText("release")).toHaveAttribute("aria-current", "page");
    expect(screen.queryByRole("button", { name: "Upload" })).toBeNull();
    expect(screen.queryByRole("button", { name: "New folder" })).toBeNull();
    expect(screen.queryByLabelText("Files to upload")).toBeNull();
    expect(within(table).queryAllByRole("checkbox")).toHaveLength(0);
    expect(within(table).queryByRole("button", { name: /Delete/ })).toBeNull();
  });

  it("asks before replacing an existing file and tells the server not to overwrite the others", async () => {
    const u = userEvent.setup();
    renderAt("/repositories/docs?path=release", repo("write"), { kind: "user", username: "writer", roles: [] });
    const table = await screen.findByRole("table", { name: "Files" });
    await within(table).findByRole("link", { name: "a.txt" });
    expect(within(table).getByRole("checkbox", { name: "Select a.txt" })).toBeInTheDocument();

    await u.upload(screen.getByLabelText("Files to upload"), [new File(["new"], "b.txt")]);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(FakeXHR.sent).toEqual([{ method: "POST", url: "/api/files/docs/release/?override=false", file: "b.txt" }]);

    await u.upload(screen.getByLabelText("Files to upload"), [new File(["v2"], "a.txt"), new File(["c"], "c.txt")]);
    const dialog = await screen.findByRole("dialog", { name: "Replace existing files?" });
    expect(dialog).toHaveTextContent("a.txt already exists in /release");
    expect(FakeXHR.sent).toHaveLength(1);
    await u.click(within(dialog).getByRole("button", { name: "Replace" }));
    // b.txt still "uploading" holds one of the two slots: a.txt goes next, c.txt waits.
    expect(FakeXHR.sent.slice(1)).toEqual([{ method: "POST", url: "/api/files/docs/release/", file: "a.txt" }]);
    const uploads = screen.getByRole("region", { name: "Uploads" });
    expect(within(uploads).getByText("waiting")).toBeInTheDocument();
    expect(within(uploads).getByRole("button", { name: "Cancel c.txt" })).toBeInTheDocument();
  });
});
