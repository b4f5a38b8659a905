// runBulk: the API deletes one item per request, so a bulk action sends them
// all (a few at a time) and reports each failure by row instead of stopping.

export type BulkFailure<T> = { item: T; error: unknown };
export type BulkResult<T> = { ok: T[]; failed: BulkFailure<T>[] };

/** Runs fn on every item (at most `concurrency` at once); never throws. */
export async function runBulk<T>(items: readonly T[], fn: (item: T) => Promise<unknown>, concurrency = 4): Promise<BulkResult<T>> {
  const ok: T[] = [];
  const failed: BulkFailure<T>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
        ok.push(item);
      } catch (error) {
        failed.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  // Report in the items' order, whatever order they finished in.
  const order = (t: T) => items.indexOf(t);
  ok.sort((a, b) => order(a) - order(b));
  failed.sort((a, b) => order(a.item) - order(b.item));
  return { ok, failed };
}
