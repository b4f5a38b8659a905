import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { copyText } from "./copy-button";
import { DataTable, type ColumnDef } from "./data-table";
import { ConfirmDialog } from "./dialog";
import { ProblemMessage } from "./problem";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("copyText", () => {
  it("uses the Clipboard API when there is one", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    expect(await copyText("docker pull x")).toBe(true);
    expect(writeText).toHaveBeenCalledWith("docker pull x");
  });
  it("falls back to a hidden textarea and execCommand (plain HTTP)", async () => {
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    let copied = "";
    document.execCommand = vi.fn(() => {
      copied = document.querySelector("textarea")?.value ?? "";
      return true;
    });
    expect(await copyText("secret-123")).toBe(true);
    expect(copied).toBe("secret-123");
    expect(document.querySelector("textarea")).toBeNull();
  });
});

describe("ProblemMessage", () => {
  it("shows the detail, else the title", () => {
    render(<ProblemMessage error={{ status: 400, title: "Bad Request", detail: "name is reserved" }} />);
    expect(screen.getByRole("alert").textContent).toBe("name is reserved");
    cleanup();
    render(<ProblemMessage error={{ status: 403, title: "Forbidden" }} />);
    expect(screen.getByRole("alert").textContent).toBe("Forbidden");
  });
  it("adds the request id for a 5xx only", () => {
    render(<ProblemMessage error={new ApiError(500, "internal error", { status: 500, title: "Internal", requestId: "req-42" } as never)} />);
    expect(screen.getByRole("alert").textContent).toContain("req-42");
    cleanup();
    render(<ProblemMessage error={{ status: 404, title: "Not Found", requestId: "req-43" }} />);
    expect(screen.getByRole("alert").textContent).not.toContain("req-43");
  });
  it("renders nothing without an error", () => {
    const { container } = render(<ProblemMessage error={null} />);
    expect(container.innerHTML).toBe("");
  });
});

describe("ConfirmDialog", () => {
  it("is a modal dialog that confirms only once the name is typed", async () => {
    const onConfirm = vi.fn();
    render(<ConfirmDialog title="Delete repository" message="This cannot be undone." typedName="web" onConfirm={onConfirm} onClose={() => {}} />);
    const dialog = screen.getByRole("dialog", { name: "Delete repository" });
    const button = screen.getByRole("button", { name: "Delete" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    // Focus moved into the dialog.
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.change(screen.getByLabelText(/Type/), { target: { value: "we" } });
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/Type/), { target: { value: "web" } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    await waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
  });
  it("shows the server's message when the action fails", async () => {
    render(<ConfirmDialog title="Delete" message="Sure?" onConfirm={() => Promise.reject({ status: 409, title: "Conflict", detail: "still in use" })} onClose={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect((await screen.findByRole("alert")).textContent).toBe("still in use");
  });
});

type Row = { name: string };
const columns: ColumnDef<Row, unknown>[] = [{ id: "name", accessorKey: "name", header: "Name" }];
const base = { label: "Tags", columns, getRowId: (r: Row) => r.name, page: 1, onPage: () => {} };

describe("DataTable", () => {
  it("shows a skeleton while the first page loads", () => {
    render(<DataTable {...base} rows={undefined} total={0} />);
    expect(screen.getByRole("table", { name: "Tags" }).getAttribute("aria-busy")).toBe("true");
    expect(document.querySelectorAll(".skeleton-row").length).toBeGreaterThan(0);
  });
  it("tells empty apart from no match", () => {
    const clear = vi.fn();
    render(<DataTable {...base} rows={[]} total={0} empty={<p>Push your first image.</p>} />);
    expect(screen.getByText("Push your first image.")).toBeTruthy();
    cleanup();
    render(<DataTable {...base} rows={[]} total={0} filtered onClearFilters={clear} />);
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(clear).toHaveBeenCalled();
  });
  it("sorts through onSort and pages through onPage", () => {
    const onSort = vi.fn();
    const onPage = vi.fn();
    const rows = Array.from({ length: 50 }, (_, i) => ({ name: `t${i}` }));
    render(<DataTable {...base} rows={rows} total={120} onSort={onSort} sort="name" onPage={onPage} />);
    fireEvent.click(screen.getByRole("button", { name: /Name/ }));
    expect(onSort).toHaveBeenCalledWith("-name");
    expect(screen.getByText(/1–50 of 120/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(onPage).toHaveBeenCalledWith(2);
  });
  it("selects rows and hands them to the bulk actions", () => {
    const act = vi.fn();
    render(
      <DataTable {...base} rows={[{ name: "a" }, { name: "b" }]} total={2} bulkActions={(sel) => <button onClick={() => act(sel.map((r) => r.name))}>Delete selected</button>} />,
    );
    expect(screen.queryByRole("region", { name: "Bulk actions" })).toBeNull();
    fireEvent.click(screen.getByLabelText("Select all rows on this page"));
    expect(screen.getByRole("region", { name: "Bulk actions" }).textContent).toContain("2 selected");
    fireEvent.click(screen.getByRole("button", { name: "Delete selected" }));
    expect(act).toHaveBeenCalledWith(["a", "b"]);
  });
});
