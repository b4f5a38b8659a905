// Administration > Audit log: filters (actor, action or action prefix,
// since, until) and the page all live in the URL; the server pages.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useState, type FormEvent } from "react";
import type { Schema } from "../../api/client";
import { $api } from "../../api/query";
import { Button, DataTable, Field, formatDate, ProblemMessage, useTableSearch, type ColumnDef } from "../../ui";
import { auditQuery, isFiltered, searchToValues, validateFilters, valuesToSearch, type AuditFilterValues } from "./audit-filters";

type AuditEvent = Schema<"AuditEvent">;
const PAGE = 50;

const columns: ColumnDef<AuditEvent, unknown>[] = [
  { id: "at", header: "When", cell: ({ row }) => <span className="nowrap muted">{formatDate(row.original.at)}</span> },
  {
    id: "actor",
    header: "Actor",
    cell: ({ row }) => (
      <>
        {row.original.actor || "—"} {row.original.actorKind !== "user" && <span className="muted">({row.original.actorKind})</span>}
      </>
    ),
  },
  { id: "action", header: "Action", cell: ({ row }) => <span className="mono">{row.original.action}</span> },
  { id: "target", header: "Target", cell: ({ row }) => <span className="nowrap">{row.original.target}</span> },
  {
    id: "result",
    header: "Result",
    cell: ({ row }) => (row.original.success ? <span className="badge v-public">ok</span> : <span className="badge fail">failed</span>),
  },
  { id: "from", header: "From", cell: ({ row }) => <span className="muted">{row.original.remoteAddr}</span> },
  {
    id: "details",
    header: "Details",
    cell: ({ row }) => {
      const d = row.original.details ?? {};
      return Object.keys(d).length ? <code className="audit-details">{JSON.stringify(d)}</code> : <span className="muted">—</span>;
    },
  },
];

export function AuditSection() {
  const search = useSearch({ from: "/admin/audit" });
  const navigate = useNavigate({ from: "/admin/audit" });
  const table = useTableSearch();
  const [values, setValues] = useState<AuditFilterValues>(() => searchToValues(search));
  const [errors, setErrors] = useState<ReturnType<typeof validateFilters>>({});
  // Back/forward and "clear filters" change the URL: the form follows.
  useEffect(() => setValues(searchToValues(search)), [search.actor, search.action, search.since, search.until]); // eslint-disable-line react-hooks/exhaustive-deps
  const events = $api.useQuery("get", "/api/v1/admin/audit", { params: { query: auditQuery(search, PAGE) } }, { placeholderData: (prev) => prev });
  const set = (k: keyof AuditFilterValues) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const errs = validateFilters(values);
    setErrors(errs);
    if (Object.keys(errs).length === 0) navigate({ search: valuesToSearch(values) });
  };
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters audit-filters" onSubmit={apply} aria-label="Audit filters" noValidate>
        <Field label="Actor" error={errors.actor}>
          <input value={values.actor} onChange={set("actor")} placeholder="username or service" autoComplete="off" />
        </Field>
        <Field label="Action" hint="Exact, or a prefix ending in “.” (token.)" error={errors.action}>
          <input value={values.action} onChange={set("action")} placeholder="login, token." autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="Since" error={errors.since}>
          <input type="datetime-local" value={values.since} onChange={set("since")} />
        </Field>
        <Field label="Until" error={errors.until}>
          <input type="datetime-local" value={values.until} onChange={set("until")} />
        </Field>
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
      </form>
      <ProblemMessage error={events.error} />
      <DataTable
        label="Audit events"
        columns={columns}
        rows={events.data?.items}
        total={events.data?.total ?? 0}
        loading={events.isFetching}
        getRowId={(ev) => String(ev.id)}
        page={table.page}
        pageSize={PAGE}
        onPage={table.onPage}
        filtered={isFiltered(search)}
        onClearFilters={() => navigate({ search: {} })}
        empty={<p>No events yet.</p>}
        rowProps={(ev) => ({ "data-action": ev.action })}
      />
    </>
  );
}
