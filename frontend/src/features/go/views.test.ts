import { describe, expect, it } from "vitest";
import { goGet, goTab, goproxyLine, moduleSort, shortCommit, sortFiles } from "./views";

describe("go views", () => {
  it("builds go get and GOPROXY lines", () => {
    expect(goGet("example.com/fx", "v1.0.0")).toBe("go get example.com/fx@v1.0.0");
    expect(goGet("example.com/fx")).toBe("go get example.com/fx@latest");
    expect(goproxyLine("https://pk/api/go/mods")).toBe("GOPROXY=https://pk/api/go/mods,https://proxy.golang.org,direct");
  });
  it("accepts only its tabs and sorts", () => {
    expect(goTab("gomod")).toBe("gomod");
    expect(goTab("layers")).toBe("overview");
    expect(moduleSort("name")).toBe("name");
    expect(moduleSort("pushed")).toBeUndefined();
  });
  it("puts README and go.mod first", () => {
    expect(sortFiles([{ path: "z.go" }, { path: "go.mod" }, { path: "a/b.go" }, { path: "README.md" }]).map((f) => f.path)).toEqual(["README.md", "go.mod", "a/b.go", "z.go"]);
    expect(shortCommit("0123456789abcdef")).toBe("0123456789ab");
  });
});
