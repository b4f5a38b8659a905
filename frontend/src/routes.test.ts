import { describe, expect, it } from "vitest";
import { parseSearch, searchSchemas, stringifySearch } from "./routes";

describe("search params", () => {
  it("keep values as strings (a tag 1.0 is not the number 1)", () => {
    expect(parseSearch("?tag=1.0&q=123")).toEqual({ tag: "1.0", q: "123" });
    expect(stringifySearch({ tag: "1.0", page: 2, q: "", x: undefined })).toBe("?tag=1.0&page=2");
    expect(stringifySearch({})).toBe("");
  });
  it("fall back to defaults on bad values instead of failing", () => {
    const s = searchSchemas.repositories.parse({ q: "web", type: "nope", page: "-3", sort: "-updatedAt" });
    expect(s).toEqual({ q: "web", type: undefined, page: undefined, sort: "-updatedAt" });
    expect(searchSchemas.repositories.parse({ page: "2", type: "pypi" })).toMatchObject({ page: 2, type: "pypi" });
  });
  it("validates the audit filters and paging", () => {
    expect(searchSchemas.adminAudit.parse({ actor: "alice", action: "repository.", page: "3" })).toMatchObject({ actor: "alice", action: "repository.", page: 3 });
  });
});
