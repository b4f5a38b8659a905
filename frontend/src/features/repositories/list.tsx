// Repositories: the list (filter by name and type, sort, server paging, all in
// the URL) and the Create repository dialog.
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useMemo, useState } from "react";
import type { Repository } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ConfirmDialog, DataTable, Dialog, Field, ProblemMessage, formatRelative, pageToRange, repoTypes, runBulk, type BulkResult, useTableSearch, useToast, useZodForm, type ColumnDef } from "../../ui";
import { BulkReport } from "../../ui/bulk-report";
import { RepoTypeIcon } from "../../ui/repo-type-icon";
import { createSchema, type CreateValues } from "./forms";
import { listSort } from "./search-params";

export function RepositoriesPage() {
  const search = useSearch({ from: "/repositories" });
  const navigate = useNavigate({ from: "/repositories" });
  const table = useTableSearch();
  const { user } = useAuth();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<{ rows: Repository[]; clear: () => void } | null>(null);
  const [failures, setFailures] = useState<BulkResult<Repository> | null>(null);
  const toast = useToast();
  const qc = useQueryClient();
  const remove = $api.useMutation("delete", "/api/v1/repositories/{name}");
  const sort = listSort(search.sort);
  const list = $api.useQuery(
    "get",
    "/api/v1/repositories",
    { params: { query: { q: search.q, type: search.type, sort, ...pageToRange(search.page) } } },
    { placeholderData: (prev) => prev },
  );
  const filtered = !!(search.q || search.type);
  const canCreate = !!user && user.kind !== "service";

  return (
    <div className="page">
      <div className="header">
        <h1>Repositories</h1>
        {canCreate && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create repository
          </Button>
        )}
      </div>
      {user === null && (
        <p className="muted anon-hint">
          You see public repositories only. <Link to="/login" search={{ next: "/repositories" }}>Log in</Link> to see private repositories.
        </p>
      )}
      <div className="filters">
        <NameFilter value={search.q ?? ""} onChange={(q) => navigate({ search: (s) => ({ ...s, q: q || undefined, page: undefined }), replace: true })} />
        <select
          aria-label="Type"
          value={search.type ?? ""}
          onChange={(e) => navigate({ search: (s) => ({ ...s, type: (e.target.value || undefined) as typeof s.type, page: undefined }), replace: true })}
        >
          <option value="">All types</option>
          {repoTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <ProblemMessage error={list.error} />
      <BulkReport result={failures} name={(r) => r.name} onDismiss={() => setFailures(null)} />
      <DataTable
        label="Repositories"
        columns={columns}
        rows={list.data?.items ?? (list.error ? [] : undefined)}
        total={list.data?.total ?? 0}
        getRowId={(r) => r.name}
        loading={list.isFetching}
        {...table}
        sort={sort}
        filtered={filtered}
        onClearFilters={() => navigate({ search: (s) => ({ ...s, q: undefined, type: undefined, page: undefined }) })}
        empty={
          <p>
            No repositories yet.{" "}
            {canCreate ? "Create one, then open it and press Connect to see how your clients push to it." : user === null ? "Log in to see private repositories." : ""}
          </p>
        }
        rowProps={(r) => ({ "data-repo": r.name })}
        bulkActions={
          canCreate
            ? (rows, clear) => (
                <Button size="small" variant="danger" onClick={() => setDeleting({ rows, clear })}>
                  Delete {rows.length}
                </Button>
              )
            : undefined
        }
      />
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.rows.length} repositories`}
          message={`Delete ${deleting.rows.map((r) => r.name).join(", ")} and everything in them? This cannot be undone. Repositories you do not administer are refused and listed.`}
          typedName="delete"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const res = await runBulk(deleting.rows, (r) => remove.mutateAsync({ params: { path: { name: r.name } } }));
            setFailures(res);
            if (res.ok.length) toast.success(`${res.ok.length} ${res.ok.length === 1 ? "repository" : "repositories"} deleted`);
            deleting.clear();
            setDeleting(null);
            await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories"] });
          }}
        />
      )}
      {creating && <CreateRepositoryDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

const columns: ColumnDef<Repository, unknown>[] = [
  {
    id: "name",
    // An accessor makes the column sortable (the server sorts; see listSort).
    accessorFn: (r) => r.name,
    header: "Name",
    sortDescFirst: false,
    cell: ({ row }) => (
      <Link to="/repositories/$name" params={{ name: row.original.name }} className="strong">
        {row.original.name}
      </Link>
    ),
  },
  { id: "type", header: "Type", enableSorting: false, cell: ({ row }) => <RepoTypeIcon type={row.original.type} /> },
  {
    id: "description",
    header: "Description",
    enableSorting: false,
    cell: ({ row }) => <span className="muted clamp">{row.original.description}</span>,
  },
  {
    id: "visibility",
    header: "Visibility",
    enableSorting: false,
    cell: ({ row }) => <span className={`badge v-${row.original.visibility}`}>{row.original.visibility}</span>,
  },
  { id: "owner", header: "Owner", enableSorting: false, cell: ({ row }) => row.original.owner ?? "—" },
  {
    id: "updated",
    accessorFn: (r) => r.updatedAt,
    header: "Updated",
    sortDescFirst: true,
    cell: ({ row }) => <span className="muted nowrap">{formatRelative(row.original.updatedAt)}</span>,
  },
];

/** The name filter: typing updates the URL after a pause, so reloads and back/forward keep it. */
function NameFilter({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  // The URL wins when it changes from outside (Clear filters, back).
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onChange(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps
  return <input type="search" placeholder="Filter by name" aria-label="Filter by name" value={text} onChange={(e) => setText(e.target.value)} />;
}

function CreateRepositoryDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const toast = useToast();
  const qc = useQueryClient();
  const create = $api.useMutation("post", "/api/v1/repositories");
  const form = useZodForm(createSchema, { defaultValues: { name: "", type: "docker", description: "", visibility: "private" } });
  const errors = form.formState.errors;
  const save = useMemo(
    () =>
      form.handleSubmit(async (v: CreateValues) => {
        const r = await create.mutateAsync({ body: v });
        await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories"] });
        toast.success(`Repository ${r.name} created`);
        onClose();
        void navigate({ to: "/repositories/$name", params: { name: r.name } });
      }),
    [form, create, qc, toast, onClose, navigate],
  );
  return (
    <Dialog title="Create repository" submitLabel="Create" onClose={onClose} onSubmit={() => save()}>
      <Field label="Name" error={errors.name} hint="Lowercase letters, digits, '.', '_' and '-'; one path component, at most 64 characters.">
        <input autoFocus autoComplete="off" spellCheck={false} {...form.register("name")} />
      </Field>
      <Field label="Type" error={errors.type}>
        <select {...form.register("type")}>
          {repoTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Description" error={errors.description}>
        <textarea rows={2} maxLength={1000} {...form.register("description")} />
      </Field>
      <fieldset className="field">
        <legend>Visibility</legend>
        <label className="radio">
          <input type="radio" value="private" {...form.register("visibility")} /> Private <span className="muted">— owner, admins and granted principals</span>
        </label>
        <label className="radio">
          <input type="radio" value="public" {...form.register("visibility")} /> Public <span className="muted">— everyone may read</span>
        </label>
      </fieldset>
    </Dialog>
  );
}
