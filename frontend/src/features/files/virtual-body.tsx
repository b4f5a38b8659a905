// The rows of a long folder (thousands of entries) rendered a screenful at a
// time. Imported statically: behind React.lazy the Suspense fallback (the
// first 50 rows) sometimes never gave way to the window in Chromium, and
// the files chunk stays within budget with the virtualizer in it.
import { useVirtualizer } from "@tanstack/react-virtual";
import type { ReactNode, RefObject } from "react";

export const ROW_HEIGHT = 41;

export default function VirtualBody(p: { count: number; colCount: number; scrollRef: RefObject<HTMLDivElement | null>; renderRow: (index: number) => ReactNode }) {
  const v = useVirtualizer({ count: p.count, getScrollElement: () => p.scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = v.getVirtualItems();
  const top = items.length ? items[0].start : 0;
  const bottom = items.length ? v.getTotalSize() - items[items.length - 1].end : 0;
  // Spacer rows keep a real <table> (column widths, roles) around the window.
  return (
    <tbody>
      {top > 0 && (
        <tr aria-hidden style={{ height: top }}>
          <td colSpan={p.colCount} />
        </tr>
      )}
      {items.map((it) => p.renderRow(it.index))}
      {bottom > 0 && (
        <tr aria-hidden style={{ height: bottom }}>
          <td colSpan={p.colCount} />
        </tr>
      )}
    </tbody>
  );
}
