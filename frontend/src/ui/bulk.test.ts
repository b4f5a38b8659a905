import { describe, expect, it } from "vitest";
import { runBulk } from "./bulk";

describe("runBulk", () => {
  it("sends every request and reports each failure by item, in order", async () => {
    const seen: number[] = [];
    const r = await runBulk([1, 2, 3, 4, 5], async (n) => {
      seen.push(n);
      if (n % 2 === 0) throw new Error(`no ${n}`);
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(r.ok).toEqual([1, 3, 5]);
    expect(r.failed.map((f) => [f.item, (f.error as Error).message])).toEqual([
      [2, "no 2"],
      [4, "no 4"],
    ]);
  });
  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const r = await runBulk(Array.from({ length: 10 }, (_, i) => i), async () => {
      peak = Math.max(peak, ++inFlight);
      await Promise.resolve();
      inFlight--;
    }, 3);
    expect(peak).toBe(3);
    expect(r.ok).toHaveLength(10);
  });
  it("handles no items", async () => {
    expect(await runBulk([], async () => {})).toEqual({ ok: [], failed: [] });
  });
});
