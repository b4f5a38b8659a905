import { describe, expect, it } from "vitest";
import { loginSchema, safeNext } from "./next";

describe("safeNext", () => {
  it("keeps a path on this site, with its query", () => {
    expect(safeNext("/repositories/web?image=app&tag=1.0")).toBe("/repositories/web?image=app&tag=1.0");
  });
  it("falls back to the repositories list for anything leaving the site or looping", () => {
    for (const bad of [undefined, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "repositories", "/login?next=/x"]) {
      expect(safeNext(bad)).toBe("/repositories");
    }
  });
});

describe("loginSchema", () => {
  it("needs both fields and keeps the password as typed", () => {
    expect(loginSchema.safeParse({ username: " ", password: "x" }).success).toBe(false);
    expect(loginSchema.safeParse({ username: "bob", password: "" }).success).toBe(false);
    const r = loginSchema.safeParse({ username: " bob ", password: " pw " });
    expect(r.success && r.data).toEqual({ username: "bob", password: " pw " });
  });
});
