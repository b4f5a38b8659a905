import { describe, expect, it, vi } from "vitest";
import { errorMessage, findConflicts, itemPercent, overallProgress, UploadQueue, type Sender, type UploadItem } from "./upload-queue";

/** A sender the test drives by hand: progress, success, failure. */
function manualSender() {
  const live = new Map<string, { progress: (n: number) => void; resolve: () => void; reject: (e: unknown) => void; aborted: boolean }>();
  const send: Sender = (item, _file, onProgress) => {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((a, b) => ((resolve = a), (reject = b)));
    const h = { progress: onProgress, resolve, reject, aborted: false };
    live.set(item.name, h);
    return {
      promise,
      abort: () => {
        h.aborted = true;
        reject(new Error("Cancelled"));
      },
    };
  };
  return { send, live };
}

const file = (name: string, size: number) => new File([new Uint8Array(size)], name);
const flush = () => new Promise((r) => setTimeout(r, 0));
const item = (p: Partial<UploadItem>): UploadItem => ({ id: 1, name: "a", folder: "", size: 100, loaded: 0, status: "uploading", overwrite: false, ...p });

describe("overallProgress", () => {
  it("sums bytes over the files still coming, leaving out cancelled and failed ones", () => {
    const p = overallProgress([
      item({ id: 1, size: 100, loaded: 50 }),
      item({ id: 2, size: 300, status: "done" }),
      item({ id: 3, size: 1000, loaded: 900, status: "canceled" }),
      item({ id: 4, size: 1000, status: "failed" }),
    ]);
    expect(p).toEqual({ loaded: 350, total: 400, percent: 87, active: 1 });
  });

  it("says 100 only when every file is confirmed, also for empty files", () => {
    expect(overallProgress([item({ size: 10, loaded: 10 })]).percent).toBe(99);
    expect(overallProgress([item({ size: 10, status: "done" }), item({ id: 2, size: 0, status: "done" })]).percent).toBe(100);
    expect(overallProgress([item({ size: 0, status: "done" })]).percent).toBe(100);
    expect(overallProgress([]).percent).toBe(0);
    expect(itemPercent(item({ size: 10, loaded: 10 }))).toBe(99);
    expect(itemPercent(item({ size: 10, loaded: 25 }))).toBe(99);
    expect(itemPercent(item({ size: 10, status: "done" }))).toBe(100);
  });
});

describe("findConflicts", () => {
  it("names the files that already exist, once each", () => {
    expect(findConflicts([{ name: "a.txt" }, { name: "b.txt" }, { name: "a.txt" }], ["a.txt", "c.txt"])).toEqual(["a.txt"]);
    expect(findConflicts([{ name: "A.txt" }], ["a.txt"])).toEqual([]);
  });
});

describe("errorMessage", () => {
  it("prefers the problem's detail", () => {
    expect(errorMessage({ title: "Conflict", detail: "docs/a.txt exists" })).toBe("docs/a.txt exists");
    expect(errorMessage({ title: "Conflict" })).toBe("Conflict");
    expect(errorMessage(new Error("Network error"))).toBe("Network error");
    expect(errorMessage(undefined)).toBe("Upload failed");
  });
});

describe("UploadQueue", () => {
  it("sends at most `concurrency` files at once and reports progress and completion", async () => {
    const { send, live } = manualSender();
    const onIdle = vi.fn();
    const q = new UploadQueue(send, { onIdle }, 2);
    q.add([file("a", 100), file("b", 100), file("c", 100)], "docs", new Set(["b"]));
    expect(q.getSnapshot().map((i) => i.status)).toEqual(["uploading", "uploading", "queued"]);
    expect(q.getSnapshot().map((i) => i.overwrite)).toEqual([false, true, false]);
    live.get("a")!.progress(40);
    expect(q.getSnapshot()[0].loaded).toBe(40);
    expect(overallProgress(q.getSnapshot()).percent).toBe(13);
    live.get("a")!.resolve();
    await flush();
    expect(q.getSnapshot().map((i) => i.status)).toEqual(["done", "uploading", "uploading"]);
    live.get("b")!.reject({ status: 409, detail: "docs/b exists" });
    live.get("c")!.resolve();
    await flush();
    expect(q.getSnapshot().map((i) => i.status)).toEqual(["done", "failed", "done"]);
    expect(q.getSnapshot()[1].error).toBe("docs/b exists");
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(onIdle.mock.calls[0][0].map((i: UploadItem) => `${i.name}:${i.status}`)).toEqual(["a:done", "b:failed", "c:done"]);
    expect(overallProgress(q.getSnapshot()).percent).toBe(100);
  });

  it("cancels one file: its transfer aborts, late progress is ignored, the next one starts", async () => {
    const { send, live } = manualSender();
    const onSettled = vi.fn();
    const q = new UploadQueue(send, { onSettled }, 1);
    const [a] = q.add([file("a", 100), file("b", 100)], "");
    live.get("a")!.progress(30);
    q.cancel(a.id);
    expect(live.get("a")!.aborted).toBe(true);
    live.get("a")!.progress(90);
    await flush();
    const [ia, ib] = q.getSnapshot();
    expect(ia.status).toBe("canceled");
    expect(ia.loaded).toBe(30);
    expect(ib.status).toBe("uploading");
    // The abort's rejection does not turn the cancelled file into a failure.
    expect(onSettled.mock.calls.map((c) => c[0].status)).toEqual(["canceled"]);
    expect(overallProgress(q.getSnapshot()).total).toBe(100);
  });

  it("cancels a queued file before it starts and clears finished rows", async () => {
    const { send, live } = manualSender();
    const q = new UploadQueue(send, {}, 1);
    const [, b] = q.add([file("a", 1), file("b", 1)], "");
    q.cancel(b.id);
    expect(live.has("b")).toBe(false);
    live.get("a")!.resolve();
    await flush();
    expect(live.has("b")).toBe(false);
    q.clearFinished();
    expect(q.getSnapshot()).toEqual([]);
  });
});
