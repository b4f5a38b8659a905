import { describe, expect, it } from "vitest";
import { formatBytes, formatDate, formatDay, formatRelative, naturalSort, parseTime } from "./format";

describe("formatBytes", () => {
  it("uses binary units with one decimal", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(28)).toBe("28 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GiB");
  });
  it("shows a dash when absent", () => {
    expect(formatBytes(undefined)).toBe("—");
    expect(formatBytes(null)).toBe("—");
  });
});

describe("dates", () => {
  it("never shows Go's zero time or the epoch as a date", () => {
    for (const zero of ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "", undefined, null, "not a date"]) {
      expect(parseTime(zero)).toBeUndefined();
      expect(formatDate(zero)).toBe("—");
      expect(formatDay(zero)).toBe("—");
      expect(formatRelative(zero)).toBe("—");
    }
  });
  it("formats a real time", () => {
    expect(formatDate("2026-03-03T10:00:00Z")).toContain("2026");
    expect(formatDay("2026-03-03T10:00:00Z")).toContain("2026");
  });
  it("says how long ago", () => {
    const now = Date.parse("2026-03-03T10:00:00Z");
    expect(formatRelative("2026-03-03T09:57:00Z", now)).toMatch(/3 minutes ago/);
    expect(formatRelative("2026-03-05T10:00:00Z", now)).toMatch(/in 2 days/);
    expect(formatRelative("2025-03-03T10:00:00Z", now)).toMatch(/last year|1 year ago/);
  });
});

describe("naturalSort", () => {
  it("puts build-2 before build-10, ignoring case", () => {
    expect(naturalSort(["build-10", "Build-2", "build-1"])).toEqual(["build-1", "Build-2", "build-10"]);
  });
  it("sorts objects by key without changing the input", () => {
    const xs = [{ n: "v1.10.0" }, { n: "v1.9.0" }];
    expect(naturalSort(xs, (x) => x.n).map((x) => x.n)).toEqual(["v1.9.0", "v1.10.0"]);
    expect(xs[0].n).toBe("v1.10.0");
  });
});
