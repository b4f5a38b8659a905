import { describe, expect, it } from "vitest";
import { listSort } from "./search-params";

describe("listSort", () => {
  it("passes the orders the API offers", () => {
    for (const s of ["name", "-name", "updated", "-updated"]) expect(listSort(s)).toBe(s);
  });
  it("drops anything else (the API would answer 400)", () => {
    for (const s of [undefined, "", "owner", "-updatedAt", "name,updated"]) expect(listSort(s)).toBeUndefined();
  });
});
