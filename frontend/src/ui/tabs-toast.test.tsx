import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Tabs } from "./tabs";
import { ToastProvider, useToast } from "./toast";

afterEach(cleanup);

function Controlled() {
  const [tab, setTab] = useState<"details" | "layers">("details");
  return (
    <>
      <Tabs
        label="Manifest"
        value={tab}
        onChange={setTab}
        items={[
          { value: "details", label: "Details", content: <p>details body</p> },
          { value: "layers", label: "Layers", content: <p>layers body</p> },
        ]}
      />
      <output>{tab}</output>
    </>
  );
}

describe("Tabs", () => {
  it("moves with the arrow keys and reports the tab", async () => {
    render(<Controlled />);
    const details = screen.getByRole("tab", { name: "Details" });
    expect(details.getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tabpanel").textContent).toBe("details body");
    act(() => details.focus());
    fireEvent.keyDown(details, { key: "ArrowRight" });
    const layers = screen.getByRole("tab", { name: "Layers" });
    // Radix moves focus on the next tick; the focused tab becomes the value.
    await waitFor(() => expect(document.activeElement).toBe(layers));
    await waitFor(() => expect(document.querySelector("output")?.textContent).toBe("layers"));
    expect(layers.getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tabpanel").textContent).toBe("layers body");
  });
});

function Notifier() {
  const toast = useToast();
  return (
    <>
      <button onClick={() => toast.success("Tag deleted")}>ok</button>
      <button onClick={() => toast.error({ status: 409, title: "Conflict", detail: "tag is protected" })}>fail</button>
    </>
  );
}

describe("useToast", () => {
  it("shows success and the problem's detail for errors", async () => {
    render(
      <ToastProvider>
        <Notifier />
      </ToastProvider>,
    );
    fireEvent.click(screen.getByRole("button", { name: "ok" }));
    expect(await screen.findByText("Tag deleted")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "fail" }));
    expect(await screen.findByText("tag is protected")).toBeTruthy();
  });
  it("refuses to work outside the provider", () => {
    expect(() => render(<Notifier />)).toThrow(/ToastProvider/);
  });
});
