// Administration > Services: service accounts (tokens for CI systems and
// deploy jobs) with create, edit, disable, delete and their tokens.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, call, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { TokensList } from "../../ui/access-tokens";
import { Button, ConfirmDialog, DataTable, Dialog, Field, formatDate, formatDay, pageToRange, ProblemMessage, useTableSearch, useToast, useZodForm, type ColumnDef } from "../../ui";
import { serviceCreateSchema, serviceEditSchema, submitForm } from "./forms";

type Service = Schema<"ServiceAccount">;

const servicesKey = { queryKey: ["get", "/api/v1/admin/service-accounts"] };
const servicePath = (name: string) => ({ params: { path: { name } } });

export function ServicesSection() {
  const search = useSearch({ from: "/admin/services" });
  const navigate = useNavigate({ from: "/admin/services" });
  const table = useTableSearch();
  const toast = useToast();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Service | null>(null);
  const [deleting, setDeleting] = useState<Service | null>(null);
  const list = $api.useQuery("get", "/api/v1/admin/service-accounts", { params: { query: pageToRange(search.page) } }, { placeholderData: (prev) => prev });
  const refresh = () => void qc.invalidateQueries(servicesKey);
  // The open tokens dialog is in the URL (?service=ci), so it survives a reload.
  const openTokens = (name: string | undefined) => navigate({ search: (prev) => ({ ...prev, service: name }) });
  const setDisabled = async (s: Service, disabled: boolean) => {
    try {
      await call(api.PATCH("/api/v1/admin/service-accounts/{name}", { ...servicePath(s.name), body: { disabled } }));
      toast.success(`${s.name} ${disabled ? "disabled" : "enabled"}.`);
      refresh();
    } catch (e) {
      toast.error(e);
    }
  };

  const columns: ColumnDef<Service, unknown>[] = [
    { id: "name", header: "Name", cell: ({ row }) => <span className="strong">{row.original.name}</span> },
    { id: "description", header: "Description", cell: ({ row }) => <span className="muted">{row.original.description || "—"}</span> },
    {
      id: "status",
      header: "Status",
      cell: ({ row }) => (row.original.disabled ? <span className="badge fail">disabled</span> : <span className="badge v-public">active</span>),
    },
    { id: "tokens", header: "Tokens", cell: ({ row }) => row.original.tokens },
    {
      id: "created",
      header: "Created",
      cell: ({ row }) => (
        <span className="muted nowrap" title={formatDate(row.original.createdAt)}>
          {formatDay(row.original.createdAt)}
          {row.original.createdBy ? ` by ${row.original.createdBy}` : ""}
        </span>
      ),
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => {
        const s = row.original;
        return (
          <span className="buttons nowrap">
            <Button size="small" aria-label={`Tokens of ${s.name}`} onClick={() => openTokens(s.name)}>
              Tokens
            </Button>
            <Button size="small" aria-label={`Edit ${s.name}`} onClick={() => setEditing(s)}>
              Edit
            </Button>
            <Button size="small" aria-label={`${s.disabled ? "Enable" : "Disable"} ${s.name}`} onClick={() => setDisabled(s, !s.disabled)}>
              {s.disabled ? "Enable" : "Disable"}
            </Button>
            <Button size="small" variant="danger" aria-label={`Delete ${s.name}`} onClick={() => setDeleting(s)}>
              Delete
            </Button>
          </span>
        );
      },
    },
  ];

  return (
    <>
      <div className="header">
        <h1>Services</h1>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create service account
        </Button>
      </div>
      <p className="muted">Service accounts hold tokens for other software (CI systems, deploy jobs). Grant them repositories like users.</p>
      <ProblemMessage error={list.error} />
      <DataTable
        label="Service accounts"
        columns={columns}
        rows={list.data?.items}
        total={list.data?.total ?? 0}
        loading={list.isFetching}
        getRowId={(s) => s.name}
        page={table.page}
        onPage={table.onPage}
        empty={<p>No service accounts yet. Create one for each system that publishes or pulls, so each can be revoked alone.</p>}
        rowProps={(s) => ({ "data-service": s.name })}
      />
      {creating && (
        <CreateServiceDialog
          onClose={() => setCreating(false)}
          onDone={(s) => {
            setCreating(false);
            toast.success(`Service account ${s.name} created.`);
            refresh();
            openTokens(s.name);
          }}
        />
      )}
      {editing && (
        <EditServiceDialog
          service={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            toast.success(`${editing.name} saved.`);
            setEditing(null);
            refresh();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete service account"
          message={`Delete ${deleting.name} with its ${deleting.tokens} token(s) and grants? Software using them stops at once. This cannot be undone.`}
          typedName={deleting.name}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await call(api.DELETE("/api/v1/admin/service-accounts/{name}", servicePath(deleting.name)));
            toast.success(`Service account ${deleting.name} deleted.`);
            setDeleting(null);
            refresh();
          }}
        />
      )}
      {search.service && (
        <ServiceTokensDialog
          name={search.service}
          onClose={() => {
            openTokens(undefined);
            refresh();
          }}
        />
      )}
    </>
  );
}

function CreateServiceDialog({ onClose, onDone }: { onClose: () => void; onDone: (s: Service) => void }) {
  const form = useZodForm(serviceCreateSchema, { defaultValues: { name: "", description: "" } });
  const errors = form.formState.errors;
  return (
    <Dialog
      title="Create service account"
      submitLabel="Create"
      onClose={onClose}
      onSubmit={() =>
        submitForm(
          (f) => form.handleSubmit(f),
          async () => onDone(await call(api.POST("/api/v1/admin/service-accounts", { body: serviceCreateSchema.parse(form.getValues()) }))),
        )
      }
    >
      <Field label="Name" error={errors.name}>
        <input {...form.register("name")} autoFocus autoComplete="off" spellCheck={false} placeholder="e.g. ci, deploy-prod" />
      </Field>
      <Field label="Description" error={errors.description}>
        <input {...form.register("description")} autoComplete="off" />
      </Field>
    </Dialog>
  );
}

function EditServiceDialog({ service, onClose, onDone }: { service: Service; onClose: () => void; onDone: () => void }) {
  const form = useZodForm(serviceEditSchema, { defaultValues: { description: service.description, disabled: service.disabled } });
  const errors = form.formState.errors;
  return (
    <Dialog
      title={`Edit ${service.name}`}
      onClose={onClose}
      onSubmit={() =>
        submitForm(
          (f) => form.handleSubmit(f),
          async () => {
            await call(api.PATCH("/api/v1/admin/service-accounts/{name}", { ...servicePath(service.name), body: serviceEditSchema.parse(form.getValues()) }));
            onDone();
          },
        )
      }
    >
      <Field label="Description" error={errors.description}>
        <input {...form.register("description")} autoComplete="off" />
      </Field>
      <label className="radio">
        <input type="checkbox" {...form.register("disabled")} /> Disabled <span className="muted">— its tokens stop working until enabled again</span>
      </label>
    </Dialog>
  );
}

function ServiceTokensDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const path = servicePath(name);
  const tokens = $api.useQuery(
    "get",
    "/api/v1/admin/service-accounts/{name}/tokens",
    { params: { path: { name }, query: pageToRange(page, 20) } },
    { placeholderData: (prev) => prev },
  );
  return (
    <Dialog title={`Tokens of ${name}`} onClose={onClose} wide>
      <TokensList
        label={`Tokens of ${name}`}
        rows={tokens.data?.items}
        total={tokens.data?.total ?? 0}
        loading={tokens.isFetching}
        error={tokens.error}
        page={page}
        pageSize={20}
        onPage={setPage}
        create={(body) => call(api.POST("/api/v1/admin/service-accounts/{name}/tokens", { ...path, body }))}
        revoke={(t) => call(api.DELETE("/api/v1/admin/service-accounts/{name}/tokens/{id}", { params: { path: { name, id: t.id } } }))}
        onChanged={() => void qc.invalidateQueries({ queryKey: ["get", "/api/v1/admin/service-accounts/{name}/tokens"] })}
        empty={<p>No tokens. Create one and put its secret in the other system's secret store.</p>}
      />
    </Dialog>
  );
}
