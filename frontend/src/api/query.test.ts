import { describe, expect, it } from "vitest";
import { ApiError } from "./client";
import { shouldRetry } from "./query";

describe("shouldRetry", () => {
  it("never retries a 4xx, as ApiError or problem body", () => {
    expect(shouldRetry(0, new ApiError(404, "gone"))).toBe(false);
    expect(shouldRetry(0, { status: 400, title: "Bad Request" })).toBe(false);
  });
  it("retries server and network failures twice", () => {
    expect(shouldRetry(0, new ApiError(503, "busy"))).toBe(true);
    expect(shouldRetry(1, new TypeError("Failed to fetch"))).toBe(true);
    expect(shouldRetry(2, new TypeError("Failed to fetch"))).toBe(false);
  });
});
