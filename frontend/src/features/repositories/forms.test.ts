import { describe, expect, it } from "vitest";
import { createSchema, grantSchema, parsePrincipal, principalOf, repositoryNameProblem } from "./forms";

describe("repositoryNameProblem", () => {
  it("accepts one lowercase path component up to 64 characters", () => {
    for (const ok of ["web", "team.images", "a_b", "a--b", "x".repeat(64), "9lives"]) expect(repositoryNameProblem(ok)).toBeUndefined();
  });
  it("refuses what can never be a name", () => {
    expect(repositoryNameProblem("")).toBe("Enter a name.");
    expect(repositoryNameProblem("x".repeat(65))).toMatch(/64/);
    expect(repositoryNameProblem("team/web")).toMatch(/'\/'/);
    expect(repositoryNameProblem("Web")).toMatch(/Lowercase/);
    expect(repositoryNameProblem("web app")).toMatch(/Lowercase/);
    expect(repositoryNameProblem("-web")).toMatch(/Start and end/);
    expect(repositoryNameProblem("web.")).toMatch(/Start and end/);
  });
});

describe("createSchema", () => {
  it("trims the name and keeps the rest", () => {
    const r = createSchema.safeParse({ name: " web ", type: "pypi", description: "", visibility: "public" });
    expect(r.success && r.data).toEqual({ name: "web", type: "pypi", description: "", visibility: "public" });
  });
  it("reports the name's problem on the name field", () => {
    const r = createSchema.safeParse({ name: "A/B", type: "docker", description: "", visibility: "private" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["name"]);
  });
  it("refuses an unknown type", () => {
    expect(createSchema.safeParse({ name: "web", type: "npm", description: "", visibility: "private" }).success).toBe(false);
  });
});

describe("principals", () => {
  it("round-trips user and service principals", () => {
    expect(principalOf("service", " ci ")).toBe("service:ci");
    expect(parsePrincipal("service:ci")).toEqual({ kind: "service", name: "ci" });
    expect(parsePrincipal("user:alice")).toEqual({ kind: "user", name: "alice" });
  });
  it("grant names cannot carry a second principal", () => {
    expect(grantSchema.safeParse({ kind: "user", name: "user:bob", level: "read" }).success).toBe(false);
    expect(grantSchema.safeParse({ kind: "user", name: "", level: "read" }).success).toBe(false);
    expect(grantSchema.safeParse({ kind: "user", name: "bob", level: "owner" }).success).toBe(false);
    expect(grantSchema.safeParse({ kind: "service", name: "ci", level: "write" }).success).toBe(true);
  });
});
