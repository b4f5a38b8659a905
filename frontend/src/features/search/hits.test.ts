import { describe, expect, it } from "vitest";
import { capNote, hitLabel, hitTarget, type Hit } from "./hits";

const hit = (h: Partial<Hit>): Hit => ({ kind: "package", repository: "r", repositoryType: "docker", name: "n", updatedAt: "2026-01-01T00:00:00Z", ...h });

describe("hitTarget", () => {
  it("opens a file in its folder with the file selected", () => {
    expect(hitTarget(hit({ kind: "file", repositoryType: "files", path: "a/b/c.txt", name: "c.txt" }))).toEqual({ name: "r", search: { path: "a/b", file: "a/b/c.txt" } });
    expect(hitTarget(hit({ kind: "file", repositoryType: "files", path: "top.txt", name: "top.txt" }))).toEqual({ name: "r", search: { path: undefined, file: "top.txt" } });
  });
  it("opens a package in its type's view", () => {
    expect(hitTarget(hit({ name: "app" })).search).toEqual({ image: "app" });
    expect(hitTarget(hit({ name: "r" })).search).toEqual({ image: "_" });
    expect(hitTarget(hit({ repositoryType: "pypi", name: "requests" })).search).toEqual({ project: "requests" });
    expect(hitTarget(hit({ repositoryType: "go", name: "example.com/m" })).search).toEqual({ module: "example.com/m" });
  });
  it("opens a repository hit on the repository page", () => {
    expect(hitTarget(hit({ kind: "repository", name: "r" }))).toEqual({ name: "r", search: {} });
  });
});

describe("hitLabel", () => {
  it("names the repository, and the package or path inside it", () => {
    expect(hitLabel(hit({ kind: "repository" }))).toBe("r");
    expect(hitLabel(hit({ name: "app" }))).toBe("r / app");
    expect(hitLabel(hit({ kind: "file", path: "a/b.txt", name: "b.txt" }))).toBe("r / a/b.txt");
  });
});

describe("capNote", () => {
  it("says nothing when everything shows", () => {
    expect(capNote(3, 3, false)).toBeUndefined();
  });
  it("gives the total, with + when the server stopped counting", () => {
    expect(capNote(10, 42, false)).toBe("showing 10 of 42; refine the query or filters");
    expect(capNote(10, 1000, true)).toBe("showing 10 of 1,000+; refine the query or filters");
  });
});
