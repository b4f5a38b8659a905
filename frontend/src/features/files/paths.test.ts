import { describe, expect, it } from "vitest";
import { baseName, breadcrumbs, encodePath, fileUrl, folderUrl, joinPath, movePathProblem, nameProblem, normalizePath, parentOf } from "./paths";

describe("paths", () => {
  it("normalizes slashes and joins", () => {
    expect(normalizePath("/a//b/")).toBe("a/b");
    expect(normalizePath(undefined)).toBe("");
    expect(joinPath("", "x.txt")).toBe("x.txt");
    expect(joinPath("a/b", "x.txt")).toBe("a/b/x.txt");
    expect(parentOf("a/b/c")).toBe("a/b");
    expect(parentOf("a")).toBe("");
    expect(baseName("a/b/c.tar.gz")).toBe("c.tar.gz");
  });

  it("builds breadcrumbs from the root down", () => {
    expect(breadcrumbs("docs", "")).toEqual([{ name: "docs", path: "" }]);
    expect(breadcrumbs("docs", "/a/b/")).toEqual([
      { name: "docs", path: "" },
      { name: "a", path: "a" },
      { name: "b", path: "a/b" },
    ]);
  });

  it("encodes each segment of raw protocol URLs", () => {
    expect(encodePath("a b/#1?/100%")).toBe("a%20b/%231%3F/100%25");
    expect(folderUrl("my repo", "")).toBe("/api/files/my%20repo/");
    expect(folderUrl("r", "a/b c")).toBe("/api/files/r/a/b%20c/");
    expect(fileUrl("r", "a/x y.txt")).toBe("/api/files/r/a/x%20y.txt");
  });

  it("refuses bad folder names", () => {
    expect(nameProblem("")).toMatch(/required/);
    expect(nameProblem("a/b")).toMatch(/'\/'/);
    expect(nameProblem("..")).toMatch(/not a valid/);
    expect(nameProblem("x".repeat(256))).toMatch(/255/);
    expect(nameProblem("release 1.0")).toBeUndefined();
  });

  it("refuses moves to nowhere, onto itself or into itself", () => {
    expect(movePathProblem("a/x", "")).toMatch(/required/);
    expect(movePathProblem("a/x", "/a/x/")).toMatch(/already/);
    expect(movePathProblem("a", "a/b")).toMatch(/into itself/);
    expect(movePathProblem("a", "b/../c")).toMatch(/not allowed/);
    expect(movePathProblem("a/x", "b/x")).toBeUndefined();
    expect(movePathProblem("a", "ab")).toBeUndefined();
  });
});
