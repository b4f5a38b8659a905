// Pagination for limit/offset listings: "51–100 of 2,340", previous/next.
import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "./button";

/** The page count for a total (at least 1). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

export function Pagination({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = pageCount(total, pageSize);
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const n = new Intl.NumberFormat();
  return (
    <nav className="pagination" aria-label="Pages">
      <span className="muted">
        {from === 0 ? "0" : `${n.format(from)}–${n.format(to)}`} of {n.format(total)}
      </span>
      <Button size="small" aria-label="Previous page" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        <ChevronLeft size={14} aria-hidden /> Previous
      </Button>
      <span className="muted">
        Page {page} of {pages}
      </span>
      <Button size="small" aria-label="Next page" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next <ChevronRight size={14} aria-hidden />
      </Button>
    </nav>
  );
}
