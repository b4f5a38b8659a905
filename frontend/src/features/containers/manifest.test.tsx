import "@testing-library/jest-dom/vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Schema } from "../../api/client";
import { ConfigView, Layers } from "./manifest";

afterEach(cleanup);

describe("the version page's configuration and layers", () => {
  it("shows a Docker v1 configuration: env, entrypoint, labels, history", () => {
    render(
      <ConfigView
        c={{
          os: "linux",
          architecture: "arm64",
          env: ["PATH=/bin", "GREETING=hello"],
          entrypoint: ["/bin/sh", "-c"],
          cmd: ["/hello"],
          labels: { "org.opencontainers.image.title": "fx-app" },
          history: [
            { created: "2026-01-02T03:04:05Z", createdBy: "/bin/sh -c #(nop)  CMD [\"/hello\"]", emptyLayer: true },
            { createdBy: "COPY hello /" },
          ],
        }}
      />,
    );
    expect(screen.getByText("linux/arm64")).toBeVisible();
    expect(within(screen.getByRole("list", { name: "Environment" })).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["PATH=/bin", "GREETING=hello"]);
    expect(screen.getByText("/bin/sh -c")).toBeVisible();
    expect(within(screen.getByRole("table", { name: "Labels" })).getByText("fx-app")).toBeVisible();
    const history = within(screen.getByRole("table", { name: "History" })).getAllByRole("row").slice(1);
    expect(history.map((r) => within(r).getAllByRole("cell")[1].textContent)).toEqual(['CMD ["/hello"]', "COPY hello /"]);
    expect(within(history[0]).getByText("none")).toBeVisible();
  });

  it("says so when a configuration has no env, labels or history", () => {
    render(<ConfigView c={{}} />);
    expect(screen.getAllByText("None.")).toHaveLength(2);
    expect(screen.getByText("The configuration records no history.")).toBeVisible();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("lists layers with media type, size and a digest to copy", () => {
    const d = {
      layers: [
        { digest: "sha256:" + "a".repeat(64), mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 2048, createdBy: "COPY hello /" },
        { digest: "sha256:" + "b".repeat(64), mediaType: "application/vnd.oci.image.layer.v1.tar", size: 10 },
      ],
    } as Schema<"DockerManifest">;
    render(<Layers d={d} />);
    const rows = within(screen.getByRole("table", { name: "Layers" })).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText("sha256:aaaaaaaaaaaa")).toHaveAttribute("title", d.layers[0].digest);
    expect(within(rows[0]).getByText("2.0 KiB")).toBeVisible();
    expect(within(rows[0]).getByText("COPY hello /")).toBeVisible();
    expect(within(rows[1]).getByRole("button", { name: "Copy digest" })).toBeVisible();
  });
});
