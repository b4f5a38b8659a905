// Per-repository grants (read, write, admin) for users and service accounts:
// PUT/DELETE /api/v1/repositories/{name}/permissions/{principal}. A level
// change and a removal are confirmed first.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Repository, Schema } from "../../api/client";
import { $api } from "../../api/query";
import { Button, ConfirmDialog, DataTable, Field, ProblemMessage, formatDate, pageToRange, useToast, useZodForm, type ColumnDef } from "../../ui";
import { PERMISSION_LEVELS, grantSchema, parsePrincipal, principalOf, type Level } from "./forms";

type Grant = Schema<"Permission">;
type Pending = { kind: "level"; grant: Grant; level: Level } | { kind: "remove"; grant: Grant };

const PAGE_SIZE = 20;
const listKey = ["get", "/api/v1/repositories/{name}/permissions"] as const;

export function PermissionsPanel({ repo }: { repo: Repository }) {
  const name = repo.name;
  const qc = useQueryClient();
  const toast = useToast();
  // The dialog's own paging: a grants page is not worth a URL of its own.
  const [page, setPage] = useState(1);
  const grants = $api.useQuery("get", "/api/v1/repositories/{name}/permissions", {
    params: { path: { name }, query: pageToRange(page, PAGE_SIZE) },
  });
  const put = $api.useMutation("put", "/api/v1/repositories/{name}/permissions/{principal}");
  const del = $api.useMutation("delete", "/api/v1/repositories/{name}/permissions/{principal}");
  const [pending, setPending] = useState<Pending | null>(null);
  const form = useZodForm(grantSchema, { defaultValues: { kind: "user", name: "", level: "read" } });
  const kind = form.watch("kind");
  const errors = form.formState.errors;

  const setLevel = async (principal: string, level: Level) => {
    await put.mutateAsync({ params: { path: { name, principal } }, body: { level } });
    await qc.invalidateQueries({ queryKey: listKey });
  };

  const grant = form.handleSubmit(async (v) => {
    const principal = principalOf(v.kind, v.name);
    try {
      await setLevel(principal, v.level);
    } catch (e) {
      // The server's words on the name field: "no such user", ...
      form.setError("name", { type: "server", message: (e as { detail?: string; title?: string }).detail || (e as { title?: string }).title || "Refused" });
      return;
    }
    toast.success(`${principal} may now ${v.level === "read" ? "read" : v.level === "write" ? "read and write" : "administer"} ${name}`);
    form.reset({ kind: v.kind, name: "", level: v.level });
  });

  const columns: ColumnDef<Grant, unknown>[] = [
    {
      id: "principal",
      header: "Principal",
      cell: ({ row }) => {
        const p = parsePrincipal(row.original.principal);
        return (
          <>
            <span className="badge">{p.kind === "service" ? "service" : "user"}</span> {p.name}
          </>
        );
      },
    },
    {
      id: "level",
      header: "Level",
      cell: ({ row }) => (
        <select
          aria-label={`Level of ${row.original.principal}`}
          value={row.original.level}
          onChange={(e) => setPending({ kind: "level", grant: row.original, level: e.target.value as Level })}
        >
          {PERMISSION_LEVELS.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
      ),
    },
    { id: "created", header: "Granted", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.createdAt)}</span> },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <Button size="small" variant="danger" onClick={() => setPending({ kind: "remove", grant: row.original })} aria-label={`Remove ${row.original.principal}`}>
          Remove
        </Button>
      ),
    },
  ];

  return (
    <section aria-label="Permissions">
      <p className="muted">
        {repo.visibility === "public"
          ? "Everyone may read this public repository. "
          : "Only the owner, admins and the principals below may read this private repository. "}
        Write lets a principal publish and delete; admin also lets it change settings and grants.
      </p>
      <form className="filters grant" onSubmit={(e) => void grant(e)} aria-label="Add a grant">
        <Field label="Principal kind">
          <select {...form.register("kind")}>
            <option value="user">User</option>
            <option value="service">Service account</option>
          </select>
        </Field>
        <Field label="Principal name" error={errors.name}>
          <input autoComplete="off" spellCheck={false} placeholder={kind === "service" ? "service account name" : "username"} {...form.register("name")} />
        </Field>
        <Field label="Level">
          <select {...form.register("level")}>
            {PERMISSION_LEVELS.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </Field>
        <Button type="submit" busy={form.formState.isSubmitting}>
          Grant
        </Button>
      </form>
      <ProblemMessage error={grants.error} />
      <DataTable
        label="Permissions"
        columns={columns}
        rows={grants.data?.items ?? (grants.error ? [] : undefined)}
        total={grants.data?.total ?? 0}
        getRowId={(g) => g.principal}
        loading={grants.isFetching}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        empty={<p>No grants. The owner and administrators have access anyway.</p>}
        rowProps={(g) => ({ "data-principal": g.principal })}
      />
      {pending && (
        <ConfirmDialog
          title={pending.kind === "remove" ? `Remove ${pending.grant.principal}` : `Change the level of ${pending.grant.principal}`}
          message={
            pending.kind === "remove"
              ? `${pending.grant.principal} loses its ${pending.grant.level} access to ${name}.`
              : `${pending.grant.principal} goes from ${pending.grant.level} to ${pending.level} on ${name}.`
          }
          destructive={pending.kind === "remove"}
          confirmLabel={pending.kind === "remove" ? "Remove" : "Change level"}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const principal = pending.grant.principal;
            if (pending.kind === "remove") {
              await del.mutateAsync({ params: { path: { name, principal } } });
              await qc.invalidateQueries({ queryKey: listKey });
              toast.success(`${principal} removed`);
            } else {
              await setLevel(principal, pending.level);
              toast.success(`${principal} now has ${pending.level}`);
            }
            setPending(null);
          }}
        />
      )}
    </section>
  );
}
