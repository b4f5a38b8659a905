// The first level of every format's content view: a name filter (applied a
// moment after typing stops), the server's first page of matches as a
// table, and the three states a list has (loading, nothing yet, no match).
import { useEffect, useState, type ReactNode } from "react";
import { ErrorBox, Loading, useLoad } from "./legacy";

/** One column: its header, and the cell of an item. */
export type Column<T> = { title: string; right?: boolean; cell: (item: T) => ReactNode };

export function FilteredTable<T>({
  label,
  noun,
  deps,
  load,
  columns,
  rowKey,
  empty,
}: {
  /** The table's accessible name, e.g. "Modules". */
  label: string;
  /** What the rows are, plural and lower case, e.g. "modules". */
  noun: string;
  /** What the load depends on besides the filter (the repository). */
  deps: unknown[];
  /** The first page of items matching q (undefined: no filter). */
  load: (q: string | undefined) => Promise<{ items: T[]; total: number }>;
  columns: Column<T>[];
  rowKey: (item: T) => string;
  /** Shown when nothing exists yet (not when the filter matches nothing). */
  empty: string;
}) {
  const [q, setQ] = useState("");
  const [applied, setApplied] = useState("");
  useEffect(() => {
    const t = setTimeout(() => setApplied(q), 250);
    return () => clearTimeout(t);
  }, [q]);
  const page = useLoad(() => load(applied || undefined), [...deps, applied]);
  const singular = noun.replace(/s$/, "");
  return (
    <>
      <div className="filters">
        <input type="search" placeholder={`Filter ${noun}`} aria-label={`Filter ${noun}`} value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <ErrorBox error={page.error} />
      <Loading when={page.loading && !page.data} />
      {page.data && (
        <table className="list" aria-label={label}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.title} className={c.right ? "right" : undefined}>
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((item) => (
              <tr key={rowKey(item)}>
                {columns.map((c) => (
                  <td key={c.title} className={c.right ? "right" : undefined}>
                    {c.cell(item)}
                  </td>
                ))}
              </tr>
            ))}
            {page.data.items.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="muted center">
                  {applied ? `No ${singular} matches.` : empty}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {page.data && page.data.total > page.data.items.length && (
        <p className="muted">
          Showing {page.data.items.length} of {page.data.total}; filter to see the rest.
        </p>
      )}
    </>
  );
}
