import { describe, expect, it } from "vitest";
import { yankSchema, fileKind, indexUrl, packageSort, pipInstall, versionTab, webLink } from "./views";

describe("pypi views", () => {
  it("builds the index URL and pip commands", () => {
    expect(indexUrl("https://pk.example.com/", "py dev")).toBe("https://pk.example.com/api/python/py%20dev/simple/");
    expect(pipInstall("fx-demo", "1.1.0")).toBe("pip install fx-demo==1.1.0");
    expect(pipInstall("fx-demo")).toBe("pip install fx-demo");
  });
  it("accepts only its tabs and sorts", () => {
    expect(versionTab("files")).toBe("files");
    expect(versionTab("layers")).toBe("details");
    expect(packageSort("-updated")).toBe("-updated");
    expect(packageSort("-pushed")).toBeUndefined();
  });
  it("names file kinds and keeps only web links", () => {
    expect(fileKind("bdist_wheel")).toBe("wheel");
    expect(fileKind("sdist")).toBe("sdist");
    expect(webLink("https://example.com/x")).toBe("https://example.com/x");
    expect(webLink("javascript:alert(1)")).toBeUndefined();
  });
});

describe("yank form", () => {
  it("trims the reason and refuses more than 1000 characters", () => {
    expect(yankSchema.parse({ reason: "  broken wheel  " })).toEqual({ reason: "broken wheel" });
    expect(yankSchema.safeParse({ reason: "" }).success).toBe(true);
    const long = yankSchema.safeParse({ reason: "x".repeat(1001) });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0].message).toBe("At most 1000 characters");
  });
});
