// Administration > Users: the server-paged list (filter, sort and page in the
// URL), create, edit, disable and delete, one by one or in bulk.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, call, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { BulkReport, bulkSummary } from "../../ui/bulk-report";
import { Button, ConfirmDialog, DataTable, Dialog, Field, formatDate, formatDay, pageToRange, ProblemMessage, runBulk, useTableSearch, useToast, useZodForm, type BulkResult, type ColumnDef } from "../../ui";
import { submitForm, userCreateSchema, userEditSchema, userUpdateBody } from "./forms";

type User = Schema<"User">;

const usersKey = { queryKey: ["get", "/api/v1/admin/users"] };
const userPath = (u: User) => ({ params: { path: { username: u.username } } });

export function UsersSection() {
  const search = useSearch({ from: "/admin/users" });
  const navigate = useNavigate({ from: "/admin/users" });
  const table = useTableSearch();
  const toast = useToast();
  const qc = useQueryClient();
  const { user: me } = useAuth();
  const [text, setText] = useState(search.q ?? "");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [bulk, setBulk] = useState<{ action: "delete" | "disable"; users: User[]; clear: () => void } | null>(null);
  const [report, setReport] = useState<BulkResult<User> | null>(null);

  // The filter box writes the URL after a pause in typing.
  useEffect(() => setText(search.q ?? ""), [search.q]);
  useEffect(() => {
    const q = text.trim() || undefined;
    if (q === search.q) return;
    const t = setTimeout(() => navigate({ search: (prev) => ({ ...prev, q, page: undefined }), replace: true }), 300);
    return () => clearTimeout(t);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps

  const users = $api.useQuery(
    "get",
    "/api/v1/admin/users",
    { params: { query: { q: search.q, sort: search.sort === "name" || search.sort === "-name" ? search.sort : undefined, ...pageToRange(search.page) } } },
    { placeholderData: (prev) => prev },
  );
  const refresh = () => void qc.invalidateQueries(usersKey);
  const setDisabled = async (u: User, disabled: boolean) => {
    try {
      await call(api.PATCH("/api/v1/admin/users/{username}", { ...userPath(u), body: { disabled } }));
      toast.success(`${u.username} ${disabled ? "disabled" : "enabled"}.`);
      refresh();
    } catch (e) {
      toast.error(e);
    }
  };

  const columns: ColumnDef<User, unknown>[] = [
    { id: "name", accessorFn: (u) => u.username, header: "Nickname", enableSorting: true, cell: ({ row }) => <span className="strong">{row.original.username}</span> },
    { id: "fullName", header: "Full name", enableSorting: false, cell: ({ row }) => row.original.fullName || <span className="muted">—</span> },
    { id: "email", header: "Email", enableSorting: false, cell: ({ row }) => row.original.email || <span className="muted">—</span> },
    {
      id: "roles",
      header: "Roles",
      enableSorting: false,
      cell: ({ row }) => (
        <>
          {row.original.roles.join(", ")}
          {row.original.source !== "local" && <span className="muted"> ({row.original.source})</span>}{" "}
          {row.original.disabled && <span className="badge fail">disabled</span>}
        </>
      ),
    },
    { id: "created", header: "Created", enableSorting: false, cell: ({ row }) => <span className="muted nowrap" title={formatDate(row.original.createdAt)}>{formatDay(row.original.createdAt)}</span> },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      cell: ({ row }) => {
        const u = row.original;
        return (
          <span className="buttons nowrap">
            <Button size="small" aria-label={`Edit ${u.username}`} onClick={() => setEditing(u)}>
              Edit
            </Button>
            <Button size="small" aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.username}`} onClick={() => setDisabled(u, !u.disabled)}>
              {u.disabled ? "Enable" : "Disable"}
            </Button>
            <Button size="small" variant="danger" aria-label={`Delete ${u.username}`} disabled={u.username === me?.username} onClick={() => setDeleting(u)}>
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
        <h1>Users</h1>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create user
        </Button>
      </div>
      <div className="filters">
        <input type="search" placeholder="Filter by name or email" aria-label="Filter users" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <ProblemMessage error={users.error} />
      <BulkReport result={report} name={(u) => u.username} onDismiss={() => setReport(null)} />
      <DataTable
        label="Users"
        columns={columns}
        rows={users.data?.items}
        total={users.data?.total ?? 0}
        loading={users.isFetching}
        getRowId={(u) => u.username}
        {...table}
        filtered={!!search.q}
        onClearFilters={() => navigate({ search: {} })}
        empty={<p>No users yet.</p>}
        rowProps={(u) => ({ "data-user": u.username })}
        bulkActions={(selected, clear) => (
          <>
            <Button size="small" onClick={() => setBulk({ action: "disable", users: selected, clear })}>
              Disable selected
            </Button>
            <Button size="small" variant="danger" onClick={() => setBulk({ action: "delete", users: selected, clear })}>
              Delete selected
            </Button>
          </>
        )}
      />
      {creating && (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onDone={(u) => {
            setCreating(false);
            toast.success(`User ${u.username} created.`);
            refresh();
          }}
        />
      )}
      {editing && (
        <EditUserDialog
          user={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            toast.success(`${editing.username} saved.`);
            setEditing(null);
            refresh();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete user"
          message={`Delete ${deleting.username} with their tokens and grants? This cannot be undone; disabling keeps the account.`}
          typedName={deleting.username}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await call(api.DELETE("/api/v1/admin/users/{username}", userPath(deleting)));
            toast.success(`User ${deleting.username} deleted.`);
            setDeleting(null);
            refresh();
          }}
        />
      )}
      {bulk && (
        <ConfirmDialog
          title={bulk.action === "delete" ? "Delete users" : "Disable users"}
          message={
            bulk.action === "delete"
              ? `Delete ${bulk.users.length} user(s) with their tokens and grants? This cannot be undone.`
              : `Disable ${bulk.users.length} user(s)? They cannot log in or use their tokens until enabled again.`
          }
          confirmLabel={bulk.action === "delete" ? "Delete" : "Disable"}
          onClose={() => setBulk(null)}
          onConfirm={async () => {
            const result = await runBulk(bulk.users, (u) =>
              bulk.action === "delete"
                ? call(api.DELETE("/api/v1/admin/users/{username}", userPath(u)))
                : call(api.PATCH("/api/v1/admin/users/{username}", { ...userPath(u), body: { disabled: true } })),
            );
            setReport(result);
            (result.failed.length ? toast.error : toast.success)(bulkSummary(result, bulk.action === "delete" ? "Deleted" : "Disabled", "user"));
            bulk.clear();
            setBulk(null);
            refresh();
          }}
        />
      )}
    </>
  );
}

function RolesField({ register, error }: { register: () => object; error?: { message?: string } }) {
  return (
    <fieldset className="field">
      <legend>Roles</legend>
      <label className="radio">
        <input type="checkbox" value="user" {...register()} /> User <span className="muted">— repositories they are granted</span>
      </label>
      <label className="radio">
        <input type="checkbox" value="admin" {...register()} /> Admin <span className="muted">— Administration and every repository</span>
      </label>
      {error?.message && (
        <small className="field-error" role="alert">
          {error.message}
        </small>
      )}
    </fieldset>
  );
}

function CreateUserDialog({ onClose, onDone }: { onClose: () => void; onDone: (u: User) => void }) {
  const form = useZodForm(userCreateSchema, { defaultValues: { username: "", fullName: "", email: "", password: "", roles: ["user"] } });
  const errors = form.formState.errors;
  return (
    <Dialog
      title="Create user"
      submitLabel="Create"
      onClose={onClose}
      onSubmit={() =>
        submitForm(
          (f) => form.handleSubmit(f),
          async () => {
            const body = userCreateSchema.parse(form.getValues());
            onDone(await call(api.POST("/api/v1/admin/users", { body })));
          },
        )
      }
    >
      <Field label="Nickname (login)" error={errors.username}>
        <input {...form.register("username")} autoFocus autoComplete="off" spellCheck={false} />
      </Field>
      <Field label="Full name" error={errors.fullName}>
        <input {...form.register("fullName")} autoComplete="off" />
      </Field>
      <Field label="Email" error={errors.email}>
        <input type="email" {...form.register("email")} autoComplete="off" />
      </Field>
      <Field label="Password" hint="At least 8 characters." error={errors.password}>
        <input type="password" autoComplete="new-password" {...form.register("password")} />
      </Field>
      <RolesField register={() => form.register("roles")} error={errors.roles} />
    </Dialog>
  );
}

function EditUserDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const form = useZodForm(userEditSchema, { defaultValues: { fullName: user.fullName, email: user.email, password: "", roles: user.roles, disabled: user.disabled } });
  const errors = form.formState.errors;
  return (
    <Dialog
      title={`Edit ${user.username}`}
      onClose={onClose}
      onSubmit={() =>
        submitForm(
          (f) => form.handleSubmit(f),
          async () => {
            const body = userUpdateBody(userEditSchema.parse(form.getValues()));
            await call(api.PATCH("/api/v1/admin/users/{username}", { ...userPath(user), body }));
            onDone();
          },
        )
      }
    >
      <Field label="Full name" error={errors.fullName}>
        <input {...form.register("fullName")} autoComplete="off" />
      </Field>
      <Field label="Email" error={errors.email}>
        <input type="email" {...form.register("email")} autoComplete="off" />
      </Field>
      {user.source === "local" && (
        <Field label="New password" hint="Leave empty to keep it; a new one ends the user's sessions." error={errors.password}>
          <input type="password" autoComplete="new-password" {...form.register("password")} />
        </Field>
      )}
      <RolesField register={() => form.register("roles")} error={errors.roles} />
      <label className="radio">
        <input type="checkbox" {...form.register("disabled")} /> Disabled <span className="muted">— cannot log in or use tokens</span>
      </label>
    </Dialog>
  );
}
