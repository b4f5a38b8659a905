import { describe, expect, it } from "vitest";
import { parseSearch, searchSchemas, stringifySearch, userGuard, visitorGuard } from "./routes";

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

describe("guards", () => {
  const info = { version: "", guestAccess: false, baseUrl: "", license: { status: "active" as const } };
  const member = { kind: "user", username: "m", roles: [] } as never;
  const location = { href: "/repositories/web?tag=1.0", pathname: "/repositories/web" };
  const redirectOf = (f: () => void) => {
    try {
      f();
    } catch (e) {
      return e as { options?: { to?: string; search?: { next?: string } } };
    }
    return undefined;
  };

  it("let an anonymous visitor through when guest access is on (deep link to a public repository)", () => {
    expect(redirectOf(() => visitorGuard({ context: { user: null, info: { ...info, guestAccess: true } }, location }))).toBeUndefined();
  });
  it("send an anonymous visitor to login with next when guest access is off", () => {
    const r = redirectOf(() => visitorGuard({ context: { user: null, info }, location }));
    expect(r?.options?.to).toBe("/login");
    expect(r?.options?.search?.next).toBe("/repositories/web?tag=1.0");
  });
  it("require a user for the profile, whatever guest access says", () => {
    expect(redirectOf(() => userGuard({ context: { user: member, info }, location }))).toBeUndefined();
    expect(redirectOf(() => userGuard({ context: { user: null, info: { ...info, guestAccess: true } }, location }))?.options?.to).toBe("/login");
  });
});
