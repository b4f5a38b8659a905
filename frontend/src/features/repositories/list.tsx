import { useEffect, useState } from "react";
import { api, call, type Repository, type RepositoryType, type Visibility } from "../../api/client";
import { isAdmin, useAuth } from "../../api/session";
import { href, Link, useRouter } from "../../ui/router-compat";
import { Dialog, ErrorBox, Field, Loading, fmtDate, useLoad } from "../../ui/legacy";
import { repoTypes, typeLabel } from "../../ui/repo-types";

export function RepositoriesPage() {
  const { query, navigate } = useRouter();
  const { user } = useAuth();
  const q = query.get("q") ?? "";
  const type = (query.get("type") ?? "") as RepositoryType | "";
  const [text, setText] = useState(q);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Repository | null>(null);

  // Debounce typing into the URL so filters survive reloads and back/forward.
  useEffect(() => {
    const t = setTimeout(() => text !== q && navigate(href("/repositories", { q: text, type }), true), 250);
    return () => clearTimeout(t);
  }, [text]);

  const list = useLoad(
    () => call(api.GET("/api/v1/repositories", { params: { query: { q: q || undefined, type: type || undefined, limit: 200 } } })),
    [q, type],
  );

  return (
    <div className="page">
      <div className="header">
        <h1>Repositories</h1>
        {user && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create repository
          </button>
        )}
      </div>
      <div className="filters">
        <input
          type="search"
          placeholder="Filter by name"
          aria-label="Filter by name"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select
          aria-label="Type"
          value={type}
          onChange={(e) => navigate(href("/repositories", { q: text, type: e.target.value }), true)}
        >
          <option value="">All types</option>
          {repoTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorBox error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && (
        <table className="list" aria-label="Repositories">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Description</th>
              <th>Access</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.name} data-repo={r.name}>
                <td>
                  <Link to={`/repositories/${encodeURIComponent(r.name)}`} className="strong">
                    {r.name}
                  </Link>
                </td>
                <td>
                  <span className={`badge t-${r.type}`}>{typeLabel(r.type)}</span>
                </td>
                <td className="muted">{r.description}</td>
                <td>
                  <span className={`badge v-${r.visibility}`}>{r.visibility}</span>
                </td>
                <td className="muted nowrap">{fmtDate(r.updatedAt)}</td>
                <td className="right">
                  {user && (isAdmin(user) || r.owner === user.username || r.access === "admin") && (
                    <button type="button" className="small" onClick={() => setEditing(r)}>
                      Edit
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {list.data.items.length === 0 && (
              <tr>
                <td colSpan={6} className="muted center">
                  No repositories{q || type ? " match the filter" : " yet"}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > list.data.items.length && (
        <p className="muted">
          Showing {list.data.items.length} of {list.data.total}; narrow the filter to see the rest.
        </p>
      )}
      {creating && (
        <CreateRepositoryDialog
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            list.reload();
            navigate(`/repositories/${encodeURIComponent(r.name)}`);
          }}
        />
      )}
      {editing && (
        <EditRepositoryDialog
          repo={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
    </div>
  );
}

function CreateRepositoryDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (r: Repository) => void }) {
  const [name, setName] = useState("");
  const [type, setType] = useState<RepositoryType>("docker");
  const [description, setDescription] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("private");
  return (
    <Dialog
      title="Create repository"
      submit="Create"
      onClose={onClose}
      onSubmit={async () => {
        const r = await call(api.POST("/api/v1/repositories", { body: { name, type, description, visibility } }));
        onCreated(r);
      }}
    >
      <Field label="Name">
        <input
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          autoFocus
          pattern="[a-z0-9][a-z0-9._\-]{0,63}"
          title="Lowercase letters, digits, '.', '_' and '-'; up to 64 characters"
        />
      </Field>
      <Field label="Type">
        <select name="type" value={type} onChange={(e) => setType(e.target.value as RepositoryType)}>
          {repoTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Description">
        <textarea name="description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} maxLength={1000} />
      </Field>
      <VisibilityField value={visibility} onChange={setVisibility} />
    </Dialog>
  );
}

function VisibilityField({ value, onChange }: { value: Visibility; onChange: (v: Visibility) => void }) {
  return (
    <fieldset className="field">
      <legend>Access level</legend>
      <label className="radio">
        <input type="radio" name="visibility" value="private" checked={value === "private"} onChange={() => onChange("private")} />
        Private <span className="muted">— owner, admins and granted users</span>
      </label>
      <label className="radio">
        <input type="radio" name="visibility" value="public" checked={value === "public"} onChange={() => onChange("public")} />
        Public <span className="muted">— everyone may read</span>
      </label>
    </fieldset>
  );
}

export function EditRepositoryDialog({ repo, onClose, onSaved }: { repo: Repository; onClose: () => void; onSaved: () => void }) {
  const { navigate } = useRouter();
  const [description, setDescription] = useState(repo.description);
  const [visibility, setVisibility] = useState<Visibility>(repo.visibility);
  const [immutable, setImmutable] = useState(!!repo.immutable);
  const [deleteError, setDeleteError] = useState<Error | null>(null);
  const remove = async () => {
    if (!window.confirm(`Delete repository "${repo.name}" and everything in it?`)) return;
    try {
      await call(api.DELETE("/api/v1/repositories/{name}", { params: { path: { name: repo.name } } }));
      onClose();
      navigate("/repositories");
    } catch (e) {
      setDeleteError(e as Error);
    }
  };
  return (
    <Dialog
      title={`Settings: ${repo.name}`}
      onClose={onClose}
      onSubmit={async () => {
        await call(
          api.PATCH("/api/v1/repositories/{name}", { params: { path: { name: repo.name } }, body: { description, visibility, immutable } }),
        );
        onSaved();
      }}
    >
      <Field label="Name">
        <input value={repo.name} disabled />
      </Field>
      <Field label="Type">
        <input value={typeLabel(repo.type)} disabled />
      </Field>
      <Field label="Description">
        <textarea name="description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} maxLength={1000} />
      </Field>
      <VisibilityField value={visibility} onChange={setVisibility} />
      <label className="radio">
        <input type="checkbox" checked={immutable} onChange={(e) => setImmutable(e.target.checked)} /> Immutable{" "}
        <span className="muted">— stored tags and files cannot be overwritten</span>
      </label>
      <div className="danger">
        <button type="button" className="danger" onClick={remove}>
          Delete repository
        </button>
        <ErrorBox error={deleteError} />
      </div>
    </Dialog>
  );
}
