import "@testing-library/jest-dom/vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
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
import { newQueryClient } from "../../api/query";
import { ToastProvider } from "../../ui";
import { ProfileForm } from "./profile";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  fetchMock.mockReset();
});
afterEach(cleanup);

describe("the profile form", () => {
  it("keeps what the user typed before the profile arrived; untouched fields take the server's values", async () => {
    let answer: (r: Response) => void = () => {};
    fetchMock.mockImplementation((input) => {
      const url = new URL((input as Request).url);
      if (url.pathname === "/api/v1/me") return new Promise<Response>((resolve) => (answer = resolve));
      return Promise.resolve(json({}));
    });
    const qc = newQueryClient();
    render(
      <QueryClientProvider client={qc}>
        <ToastProvider>
          <ProfileForm />
        </ToastProvider>
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Full name"), "New Name");
    answer(json({ kind: "user", username: "alice", fullName: "Old Name", email: "old@example.com", roles: [] }));
    await waitFor(() => expect(screen.getByLabelText("Email")).toHaveValue("old@example.com"));
    expect(screen.getByLabelText("Full name")).toHaveValue("New Name");
  });
});
