import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, expect, it, vi } from "vitest";
import { ConfirmDialog, Dialog } from "./dialog";

afterEach(cleanup);

it("submitting a dialog opened inside another does not close the outer one", async () => {
  const outerClose = vi.fn();
  const confirmed = vi.fn();
  function Nested() {
    const [inner, setInner] = useState(false);
    return (
      <Dialog title="Outer" onClose={outerClose}>
        <button type="button" onClick={() => setInner(true)}>
          Open inner
        </button>
        {inner && <ConfirmDialog title="Inner" message="Sure?" onConfirm={() => (confirmed(), setInner(false))} onClose={() => setInner(false)} />}
      </Dialog>
    );
  }
  render(<Nested />);
  fireEvent.click(screen.getByRole("button", { name: "Open inner" }));
  fireEvent.click(await screen.findByRole("button", { name: "Delete" }));
  await waitFor(() => expect(confirmed).toHaveBeenCalledTimes(1));
  expect(outerClose).not.toHaveBeenCalled();
});
