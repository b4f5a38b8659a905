import "@testing-library/jest-dom/vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";

// openapi-fetch takes globalThis.fetch and Request when the client is
// created (at import), so the stubs go in before any import: fetch is the
// mock, Request resolves the client's relative URLs against a page origin.
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

import { ConnectDialog } from "./ConnectDialog";
import { tokenRequest } from "./token";

const docker = { name: "team", type: "docker" as const };

beforeEach(() => fetchMock.mockReset());
afterEach(cleanup);

describe("ConnectDialog", () => {
  it("shows the repository type's clients and switches tabs", async () => {
    const user = userEvent.setup();
    render(<ConnectDialog repository={docker} baseUrl="http://kodera.example:8080" username="alice" open onOpenChange={() => {}} />);
    const dialog = screen.getByRole("dialog", { name: "Connect to team" });
    expect(within(dialog).getAllByRole("tab").map((t) => t.textContent)).toEqual(["Docker", "Podman", "Helm"]);
    expect(within(dialog).getByText("docker pull kodera.example:8080/team/my-image:1.0")).toBeVisible();

    await user.click(within(dialog).getByRole("tab", { name: "Helm" }));
    expect(within(dialog).getByRole("tab", { name: "Helm" })).toHaveAttribute("aria-selected", "true");
    expect(within(dialog).getByText("helm pull oci://kodera.example:8080/team/my-chart --version 0.1.0 --plain-http")).toBeVisible();
    expect(within(dialog).queryByText(/^docker pull/)).toBeNull();
  });

  it("creates a repository-scoped expiring token and substitutes it into the text only", async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify({
          id: 7,
          name: "connect",
          prefix: "kdr_abc",
          scopes: ["read", "write"],
          repositories: ["files1"],
          createdAt: "2026-12-02T04:00:00Z",
          expiresAt: "2026-12-09T04:00:00Z",
          secret: "kdr_abc/xyz",
        }),
        { status: 201, headers: { "Content-Type": "application/json" } },
      ),
    );
    render(
      <ConnectDialog repository={{ name: "files1", type: "files" }} baseUrl="https://kodera.example" username="alice" open onOpenChange={() => {}} />,
    );
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText("curl -fL -u alice -o file.tar.gz https://kodera.example/api/files/files1/path/to/file.tar.gz")).toBeVisible();

    await user.selectOptions(within(dialog).getByLabelText("expires in"), "30");
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    expect(await within(dialog).findByText("kdr_abc/xyz")).toBeVisible();
    expect(
      within(dialog).getByText("curl -fL -u alice:kdr_abc/xyz -o file.tar.gz https://kodera.example/api/files/files1/path/to/file.tar.gz"),
    ).toBeVisible();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const req = fetchMock.mock.calls[0][0] as Request;
    expect(req.method).toBe("POST");
    expect(new URL(req.url).pathname).toBe("/api/v1/me/tokens");
    const body = await req.json();
    expect(body).toMatchObject({ scopes: ["read", "write"], repositories: ["files1"] });
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it("shows the server's problem detail when the token is refused", async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ status: 403, title: "Forbidden", detail: "service accounts cannot create personal tokens" }), {
        status: 403,
        headers: { "Content-Type": "application/problem+json" },
      }),
    );
    render(<ConnectDialog repository={docker} baseUrl="https://kodera.example" username="bot" open onOpenChange={() => {}} />);
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("service accounts cannot create personal tokens");
    expect(screen.getByText("docker login kodera.example -u bot")).toBeVisible();
  });

  it("offers no token to an anonymous visitor, and closes", async () => {
    const user = userEvent.setup();
    const onOpenChange = vi.fn();
    render(<ConnectDialog repository={{ name: "mods", type: "go" }} baseUrl="https://kodera.example" open onOpenChange={onOpenChange} />);
    expect(screen.queryByRole("button", { name: "Create token" })).toBeNull();
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Go", "git"]);
    await user.click(screen.getByRole("button", { name: "Close" }));
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("copies a block with the textarea fallback when the clipboard API is missing (plain HTTP)", async () => {
    const user = userEvent.setup();
    const clipboard = Object.getOwnPropertyDescriptor(navigator, "clipboard");
    const execCommand = document.execCommand;
    onTestFinished(() => {
      if (clipboard) Object.defineProperty(navigator, "clipboard", clipboard);
      else delete (navigator as { clipboard?: unknown }).clipboard;
      document.execCommand = execCommand;
    });
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    const copied: string[] = [];
    document.execCommand = vi.fn(() => {
      copied.push((document.activeElement as HTMLTextAreaElement).value);
      return true;
    });
    render(<ConnectDialog repository={docker} baseUrl="http://kodera.example:8080" username="alice" open onOpenChange={() => {}} />);
    await user.click(screen.getByRole("button", { name: "Copy: Pull an image" }));
    expect(copied).toEqual(["docker pull kodera.example:8080/team/my-image:1.0"]);
    expect(screen.getByRole("button", { name: "Copy: Pull an image" })).toHaveTextContent("Copied");
  });
});

describe("tokenRequest", () => {
  it("limits the token to the repository, with the scope and expiry asked for", () => {
    const now = new Date("2026-12-02T04:00:00Z");
    expect(tokenRequest("team", "read", 7, now)).toEqual({
      name: "connect team 2026-12-02 04:00:00",
      expiresAt: "2026-12-09T04:00:00.000Z",
      scopes: ["read"],
      repositories: ["team"],
    });
  });
});
