import { describe, expect, it } from "vitest";
import { actionFilterError, auditQuery, isoToLocalInput, localInputToIso, validateFilters, valuesToSearch } from "./audit-filters";
import { licenseSchema, userCreateSchema, userEditSchema, userUpdateBody } from "./forms";
import { settingsBody } from "./settings";

describe("audit filters", () => {
  it("takes an exact action or a prefix ending in '.'", () => {
    expect(actionFilterError("login")).toBeUndefined();
    expect(actionFilterError("token.create")).toBeUndefined();
    expect(actionFilterError("token.")).toBeUndefined();
    expect(actionFilterError("token.*")).toBeDefined();
    expect(actionFilterError(".token")).toBeDefined();
    expect(actionFilterError("a b")).toBeDefined();
  });
  it("round-trips a local time through the URL's ISO form", () => {
    const iso = localInputToIso("2026-03-04T05:06")!;
    expect(iso).toMatch(/Z$/);
    expect(isoToLocalInput(iso)).toBe("2026-03-04T05:06");
    expect(isoToLocalInput("not a date")).toBe("");
    expect(localInputToIso("")).toBeUndefined();
  });
  it("refuses 'until' not after 'since'", () => {
    expect(validateFilters({ actor: "", action: "", since: "2026-03-04T05:06", until: "2026-03-04T05:06" }).until).toBeDefined();
    expect(validateFilters({ actor: "", action: "", since: "2026-03-04T05:06", until: "2026-03-04T05:07" })).toEqual({});
  });
  it("applies filters from page 1 and drops empty ones", () => {
    expect(valuesToSearch({ actor: " ann ", action: "", since: "", until: "" })).toEqual({ actor: "ann", action: undefined, since: undefined, until: undefined, page: undefined });
  });
  it("asks the API for the URL's page and only well-formed filters", () => {
    expect(auditQuery({ action: "token.", page: 3 }, 50)).toEqual({ actor: undefined, action: "token.", since: undefined, until: undefined, limit: 50, offset: 100 });
    expect(auditQuery({ action: "bad action", since: "garbage" }, 50)).toMatchObject({ action: undefined, since: undefined, offset: 0 });
  });
});

describe("user forms", () => {
  const user = { username: "dev-1", fullName: "Dev", email: "", password: "long-enough", roles: ["user"] };
  it("accepts a valid user and refuses a bad nickname, short password or no role", () => {
    expect(userCreateSchema.safeParse(user).success).toBe(true);
    expect(userCreateSchema.safeParse({ ...user, username: "Dev" }).success).toBe(false);
    expect(userCreateSchema.safeParse({ ...user, password: "short" }).success).toBe(false);
    expect(userCreateSchema.safeParse({ ...user, roles: [] }).success).toBe(false);
  });
  it("sends a password in the update only when one was typed", () => {
    const v = userEditSchema.parse({ fullName: "A", email: "", password: "", roles: ["admin"], disabled: true });
    expect(userUpdateBody(v)).toEqual({ fullName: "A", email: "", roles: ["admin"], disabled: true });
    expect(userUpdateBody({ ...v, password: "new-password" })).toHaveProperty("password", "new-password");
  });
});

describe("license key", () => {
  it("keeps the pasted key byte for byte", () => {
    const key = "  -----BEGIN KEY-----\nabc\n-----END KEY-----\n";
    expect(licenseSchema.parse({ key }).key).toBe(key);
    expect(licenseSchema.safeParse({ key: " \n " }).success).toBe(false);
  });
});

describe("settingsBody", () => {
  it("sends every field read, with the change on top (PUT replaces the object)", () => {
    const current = { guestAccess: false, other: 1 } as unknown as { guestAccess: boolean };
    expect(settingsBody(current, { guestAccess: true })).toEqual({ guestAccess: true, other: 1 });
  });
});
