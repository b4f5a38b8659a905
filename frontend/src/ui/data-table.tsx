// DataTable over TanStack Table for server-paged listings
// ({items, total, limit, offset}). Page and sort live in the URL (see
// useTableSearch); selection is per page. Three distinct states: loading
// (skeleton rows), empty (nothing yet + a hint), no match (clear filters).
import { useNavigate, useSearch } from "@tanstack/react-router";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type RowSelectionState, type SortingState } from "@tanstack/react-table";
import { ArrowDown, ArrowUp } from "lucide-react";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { Button } from "./button";
import { Pagination } from "./pagination";

export type { ColumnDef } from "@tanstack/react-table";

export const DEFAULT_PAGE_SIZE = 50;

/** "-updatedAt" ⇄ [{id: "updatedAt", desc: true}]. */
export function sortToState(sort?: string): SortingState {
  if (!sort) return [];
  return sort.startsWith("-") ? [{ id: sort.slice(1), desc: true }] : [{ id: sort, desc: false }];
}
export function stateToSort(s: SortingState): string | undefined {
  return s[0] ? `${s[0].desc ? "-" : ""}${s[0].id}` : undefined;
}

/** limit/offset for the API from a 1-based page. */
export function pageToRange(page: number | undefined, pageSize = DEFAULT_PAGE_SIZE): { limit: number; offset: number } {
  return { limit: pageSize, offset: (Math.max(1, page ?? 1) - 1) * pageSize };
}

/**
 * The current route's `page` and `sort` search params and setters that
 * update the URL (a new sort goes back to page 1). Spread into DataTable.
 */
export function useTableSearch() {
  const search = useSearch({ strict: false }) as { page?: number; sort?: string };
  const navigate = useNavigate();
  return {
    page: search.page ?? 1,
    sort: search.sort,
    // The kit serves every route, so the search updates are untyped here.
    onPage: (page: number) => void navigate({ to: ".", search: ((prev: Record<string, unknown>) => ({ ...prev, page: page > 1 ? page : undefined })) as never }),
    onSort: (sort: string | undefined) => void navigate({ to: ".", search: ((prev: Record<string, unknown>) => ({ ...prev, sort, page: undefined })) as never, replace: true }),
  };
}

export type DataTableProps<T> = {
  /** The table's accessible name ("Tags"). */
  label: string;
  columns: ColumnDef<T, unknown>[];
  /** The page's rows; undefined while the first answer is awaited. */
  rows: T[] | undefined;
  total: number;
  getRowId: (row: T) => string;
  loading?: boolean;
  page: number;
  pageSize?: number;
  onPage: (page: number) => void;
  sort?: string;
  onSort?: (sort: string | undefined) => void;
  /** True when a filter is applied: an empty answer is then "no match". */
  filtered?: boolean;
  onClearFilters?: () => void;
  /** Shown when the list is empty without filters (e.g. the Connect hint). */
  empty?: ReactNode;
  /** Enables row checkboxes; given the selected rows, renders the bulk actions. */
  bulkActions?: (selected: T[], clear: () => void) => ReactNode;
  /** Extra attributes per row (data-* for tests). */
  rowProps?: (row: T) => Record<string, string>;
};

export function DataTable<T>(p: DataTableProps<T>) {
  const pageSize = p.pageSize ?? DEFAULT_PAGE_SIZE;
  const [selection, setSelection] = useState<RowSelectionState>({});
  // Selection belongs to the rows on screen: a new page or sort clears it.
  useEffect(() => setSelection({}), [p.page, p.sort]);
  const selectable = !!p.bulkActions;
  const columns = useMemo<ColumnDef<T, unknown>[]>(() => {
    if (!selectable) return p.columns;
    const select: ColumnDef<T, unknown> = {
      id: "_select",
      enableSorting: false,
      header: ({ table }) => (
        <input
          type="checkbox"
          aria-label="Select all rows on this page"
          checked={table.getIsAllRowsSelected()}
          ref={(el) => {
            if (el) el.indeterminate = table.getIsSomeRowsSelected();
          }}
          onChange={table.getToggleAllRowsSelectedHandler()}
        />
      ),
      cell: ({ row }) => <input type="checkbox" aria-label={`Select ${row.id}`} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />,
    };
    return [select, ...p.columns];
  }, [p.columns, selectable]);

  const table = useReactTable({
    data: p.rows ?? [],
    columns,
    getRowId: p.getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: true,
    enableRowSelection: selectable,
    rowCount: p.total,
    state: { sorting: sortToState(p.sort), rowSelection: selection },
    onRowSelectionChange: setSelection,
    onSortingChange: (u) => {
      const next = typeof u === "function" ? u(sortToState(p.sort)) : u;
      p.onSort?.(stateToSort(next));
    },
  });
  const selected = table.getSelectedRowModel().rows.map((r) => r.original);
  const colCount = columns.length;
  const firstLoad = p.rows === undefined;

  let body: ReactNode;
  if (firstLoad) {
    body = Array.from({ length: 5 }, (_, i) => (
      <tr key={i} className="skeleton-row" aria-hidden>
        {Array.from({ length: colCount }, (_, j) => (
          <td key={j}>
            <span className="skeleton" />
          </td>
        ))}
      </tr>
    ));
  } else if (p.rows!.length === 0) {
    body = (
      <tr>
        <td colSpan={colCount} className="table-state">
          {p.filtered ? (
            <div data-state="no-match">
              <p>Nothing matches the filters.</p>
              {p.onClearFilters && <Button onClick={p.onClearFilters}>Clear filters</Button>}
            </div>
          ) : (
            <div data-state="empty">{p.empty ?? <p>Nothing here yet.</p>}</div>
          )}
        </td>
      </tr>
    );
  } else {
    body = table.getRowModel().rows.map((row) => (
      <tr key={row.id} aria-selected={selectable ? row.getIsSelected() : undefined} {...(p.rowProps?.(row.original) ?? {})}>
        {row.getVisibleCells().map((cell) => (
          <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
        ))}
      </tr>
    ));
  }

  return (
    <div className="data-table">
      {selectable && selected.length > 0 && (
        <div className="bulk-bar" role="region" aria-label="Bulk actions">
          <span>{selected.length} selected</span>
          {p.bulkActions!(selected, () => setSelection({}))}
          <Button variant="ghost" size="small" onClick={() => setSelection({})}>
            Clear selection
          </Button>
        </div>
      )}
      <div className="table-scroll">
        <table aria-label={p.label} aria-busy={p.loading || firstLoad || undefined}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  const canSort = !!p.onSort && h.column.getCanSort() && h.column.id !== "_select";
                  return (
                    <th key={h.id} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                      {h.isPlaceholder ? null : canSort ? (
                        <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          {sorted === "asc" && <ArrowUp size={12} aria-hidden />}
                          {sorted === "desc" && <ArrowDown size={12} aria-hidden />}
                        </button>
                      ) : (
                        flexRender(h.column.columnDef.header, h.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>{body}</tbody>
        </table>
      </div>
      {!firstLoad && p.total > pageSize && <Pagination page={p.page} pageSize={pageSize} total={p.total} onPage={p.onPage} />}
    </div>
  );
}
