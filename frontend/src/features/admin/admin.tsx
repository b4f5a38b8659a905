import { useEffect, useState } from "react";
import { api, call, type Schema } from "../../api/client";
import { isAdmin, useAuth } from "../../api/session";
import { href, Link, useRouter } from "../../ui/router-compat";
import { Dialog, ErrorBox, Field, Loading, fmtDate, useLoad } from "../../ui/legacy";
import { CreateTokenDialog, TokenTable } from "../../ui/tokens";

const sections = [
  { id: "users", label: "Users" },
  { id: "services", label: "Services" },
  { id: "settings", label: "Settings" },
  { id: "licensing", label: "Licensing" },
  { id: "audit", label: "Audit log" },
];

export function AdminPage({ section }: { section: string }) {
  const { user } = useAuth();
  if (!isAdmin(user))
    return (
      <div className="page">
        <h1>Administration</h1>
        <div className="error">Administration needs the Admin role.</div>
      </div>
    );
  return (
    <div className="page admin">
      <aside className="sidenav">
        <h2>Administration</h2>
        {sections.map((s) => (
          <Link key={s.id} to={`/admin/${s.id}`} className={s.id === section ? "active" : ""}>
            {s.label}
          </Link>
        ))}
      </aside>
      <div className="grow">
        {section === "users" && <Users />}
        {section === "services" && <Services />}
        {section === "settings" && <SettingsSection />}
        {section === "licensing" && <Licensing />}
        {section === "audit" && <Audit />}
        {!sections.some((s) => s.id === section) && <div className="error">No such section.</div>}
      </div>
    </div>
  );
}

type Role = Schema<"Role">;
type User = Schema<"User">;

function RolesField({ roles, onChange }: { roles: Role[]; onChange: (r: Role[]) => void }) {
  const toggle = (r: Role, on: boolean) => onChange(on ? [...new Set([...roles, r])] : roles.filter((x) => x !== r));
  return (
    <fieldset className="field">
      <legend>Roles</legend>
      <label className="radio">
        <input type="checkbox" checked={roles.includes("user")} onChange={(e) => toggle("user", e.target.checked)} /> User
      </label>
      <label className="radio">
        <input type="checkbox" checked={roles.includes("admin")} onChange={(e) => toggle("admin", e.target.checked)} /> Admin{" "}
        <span className="muted">— Administration section and every repository</span>
      </label>
    </fieldset>
  );
}

function Users() {
  const { query, navigate } = useRouter();
  const q = query.get("q") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => {
    const t = setTimeout(() => text !== q && navigate(href("/admin/users", { q: text }), true), 250);
    return () => clearTimeout(t);
  }, [text]);
  const users = useLoad(() => call(api.GET("/api/v1/admin/users", { params: { query: { q: q || undefined, limit: 200 } } })), [q]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  return (
    <>
      <div className="header">
        <h1>Users</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create user
        </button>
      </div>
      <div className="filters">
        <input type="search" placeholder="Filter by name or email" aria-label="Filter users" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <ErrorBox error={users.error} />
      <Loading when={users.loading && !users.data} />
      {users.data && (
        <table className="list" aria-label="Users">
          <thead>
            <tr>
              <th>Nickname</th>
              <th>Full name</th>
              <th>Email</th>
              <th>Roles</th>
              <th>Source</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <tr key={u.username} className={u.disabled ? "disabled" : ""}>
                <td className="strong">{u.username}</td>
                <td>{u.fullName}</td>
                <td>{u.email}</td>
                <td>
                  {u.roles.join(", ")}
                  {u.disabled && <span className="badge">disabled</span>}
                </td>
                <td className="muted">{u.source}</td>
                <td className="muted">{fmtDate(u.createdAt)}</td>
                <td className="right">
                  <button type="button" className="small" onClick={() => setEditing(u)}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            users.reload();
          }}
        />
      )}
      {editing && (
        <EditUserDialog
          user={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            users.reload();
          }}
        />
      )}
    </>
  );
}

function CreateUserDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [username, setUsername] = useState("");
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<Role[]>(["user"]);
  return (
    <Dialog
      title="Create user"
      submit="Create"
      onClose={onClose}
      onSubmit={async () => {
        await call(api.POST("/api/v1/admin/users", { body: { username, fullName, email, password, roles } }));
        onDone();
      }}
    >
      <Field label="Nickname (login)">
        <input value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus pattern="[a-z0-9][a-z0-9._\-]{0,63}" />
      </Field>
      <Field label="Full name">
        <input value={fullName} onChange={(e) => setFullName(e.target.value)} maxLength={200} />
      </Field>
      <Field label="Email">
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} />
      </Field>
      <Field label="Password (at least 8 characters)">
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={8} required />
      </Field>
      <RolesField roles={roles} onChange={setRoles} />
    </Dialog>
  );
}

function EditUserDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const [fullName, setFullName] = useState(user.fullName);
  const [email, setEmail] = useState(user.email);
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [disabled, setDisabled] = useState(user.disabled);
  const [error, setError] = useState<Error | null>(null);
  const path = { username: user.username };
  return (
    <Dialog
      title={`Edit ${user.username}`}
      onClose={onClose}
      onSubmit={async () => {
        await call(api.PATCH("/api/v1/admin/users/{username}", { params: { path }, body: { fullName, email, roles, disabled, ...(password ? { password } : {}) } }));
        onDone();
      }}
    >
      <Field label="Full name">
        <input value={fullName} onChange={(e) => setFullName(e.target.value)} maxLength={200} />
      </Field>
      <Field label="Email">
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} />
      </Field>
      {user.source === "local" && (
        <Field label="New password (leave empty to keep)">
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={8} />
        </Field>
      )}
      <RolesField roles={roles} onChange={setRoles} />
      <label className="radio">
        <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} /> Disabled <span className="muted">— cannot log in or use tokens</span>
      </label>
      <div className="danger">
        <button
          type="button"
          className="danger"
          onClick={async () => {
            if (!window.confirm(`Delete user "${user.username}" with their tokens and grants?`)) return;
            try {
              await call(api.DELETE("/api/v1/admin/users/{username}", { params: { path } }));
              onDone();
            } catch (e) {
              setError(e as Error);
            }
          }}
        >
          Delete user
        </button>
        <ErrorBox error={error} />
      </div>
    </Dialog>
  );
}

function Services() {
  const list = useLoad(() => call(api.GET("/api/v1/admin/service-accounts", { params: { query: { limit: 500 } } })).then((p) => p.items), []);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      list.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <div className="header">
        <h1>Services</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create service account
        </button>
      </div>
      <p className="muted">Service accounts hold tokens for other software (CI systems, deploy jobs) to reach repository content.</p>
      <ErrorBox error={list.error || error} />
      <Loading when={list.loading && !list.data} />
      {list.data && (
        <table className="list" aria-label="Service accounts">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th className="right">Tokens</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.name} className={s.disabled ? "disabled" : ""}>
                <td className="strong">{s.name}</td>
                <td className="muted">{s.description}</td>
                <td className="right">{s.tokens}</td>
                <td className="muted">
                  {fmtDate(s.createdAt)}
                  {s.createdBy ? ` by ${s.createdBy}` : ""}
                </td>
                <td className="right nowrap">
                  <button type="button" className="small" onClick={() => setOpen(s.name)}>
                    Tokens
                  </button>{" "}
                  <button
                    type="button"
                    className="small"
                    onClick={() => act(() => call(api.PATCH("/api/v1/admin/service-accounts/{name}", { params: { path: { name: s.name } }, body: { disabled: !s.disabled } })))}
                  >
                    {s.disabled ? "Enable" : "Disable"}
                  </button>{" "}
                  <button
                    type="button"
                    className="small danger"
                    onClick={() =>
                      window.confirm(`Delete service account "${s.name}" with its tokens and grants?`) &&
                      act(() => call(api.DELETE("/api/v1/admin/service-accounts/{name}", { params: { path: { name: s.name } } })))
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {list.data.length === 0 && (
              <tr>
                <td colSpan={5} className="muted center">
                  No service accounts.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {creating && <CreateServiceDialog onClose={() => setCreating(false)} onDone={() => (setCreating(false), list.reload())} />}
      {open && (
        <ServiceTokensDialog
          name={open}
          onClose={() => {
            setOpen("");
            list.reload();
          }}
        />
      )}
    </>
  );
}

function CreateServiceDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  return (
    <Dialog
      title="Create service account"
      submit="Create"
      onClose={onClose}
      onSubmit={async () => {
        await call(api.POST("/api/v1/admin/service-accounts", { body: { name, description } }));
        onDone();
      }}
    >
      <Field label="Name">
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus pattern="[a-z0-9][a-z0-9._\-]{0,63}" />
      </Field>
      <Field label="Description">
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </Field>
    </Dialog>
  );
}

function ServiceTokensDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const path = { name };
  const tokens = useLoad(() => call(api.GET("/api/v1/admin/service-accounts/{name}/tokens", { params: { path, query: { limit: 500 } } })).then((p) => p.items), [name]);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (creating)
    return (
      <CreateTokenDialog
        create={(body) => call(api.POST("/api/v1/admin/service-accounts/{name}/tokens", { params: { path }, body }))}
        onClose={() => {
          setCreating(false);
          tokens.reload();
        }}
      />
    );
  return (
    <Dialog title={`Tokens of ${name}`} onClose={onClose} wide>
      <div className="panel-head">
        <span />
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create token
        </button>
      </div>
      <ErrorBox error={tokens.error || error} />
      {tokens.data && (
        <TokenTable
          tokens={tokens.data}
          onRevoke={async (t) => {
            if (!window.confirm(`Revoke token "${t.name}"?`)) return;
            try {
              await call(api.DELETE("/api/v1/admin/service-accounts/{name}/tokens/{id}", { params: { path: { name, id: t.id } } }));
              tokens.reload();
            } catch (e) {
              setError(e as Error);
            }
          }}
        />
      )}
    </Dialog>
  );
}

function SettingsSection() {
  const settings = useLoad(() => call(api.GET("/api/v1/admin/settings")), []);
  const [guest, setGuest] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [ok, setOk] = useState("");
  useEffect(() => settings.data && setGuest(settings.data.guestAccess), [settings.data]);
  return (
    <>
      <h1>Settings</h1>
      <ErrorBox error={settings.error} />
      <form
        className="panel"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setOk("");
          try {
            await call(api.PUT("/api/v1/admin/settings", { body: { guestAccess: guest } }));
            setOk("Saved.");
          } catch (err) {
            setError(err as Error);
          }
        }}
      >
        <label className="radio">
          <input type="checkbox" checked={guest} onChange={(e) => setGuest(e.target.checked)} disabled={!settings.data} /> Guest access{" "}
          <span className="muted">— anonymous users may read public repositories</span>
        </label>
        <ErrorBox error={error} />
        {ok && <div className="ok">{ok}</div>}
        <button type="submit" className="primary" disabled={!settings.data}>
          Save
        </button>
      </form>
      <LdapPanel />
    </>
  );
}

// LdapPanel shows the LDAP sign-in configuration, read-only: the
// KODERA_LDAP_* environment sets it, and the bind password never leaves
// the server.
function LdapPanel() {
  const ldap = useLoad(() => call(api.GET("/api/v1/admin/ldap")), []);
  const l = ldap.data;
  return (
    <section className="panel">
      <h2>LDAP sign-in</h2>
      <ErrorBox error={ldap.error} />
      {l && !l.enabled && <p className="muted">Off: set KODERA_LDAP_URL and the other KODERA_LDAP_* variables to let directory users sign in.</p>}
      {l && l.enabled && (
        <dl className="meta">
          {(
            [
              ["URL", l.url + (l.startTls ? " (StartTLS)" : "")],
              ["Service bind", l.bindDn ? `${l.bindDn}${l.bindPasswordSet ? " (password set)" : ""}` : "anonymous"],
              ["User base", l.userBaseDn],
              ["User filter", l.userFilter],
              ["Email / name attributes", `${l.emailAttribute} / ${l.nameAttribute}`],
              ["Admin group", l.adminGroupDn || "none"],
              ["Group filter", l.groupFilter],
              ["Timeout", `${l.timeoutSeconds} s`],
              ["Sync interval", l.syncIntervalSeconds ? `${l.syncIntervalSeconds} s` : "at login only"],
            ] as const
          ).map(([k, v]) => (
            <div key={k} className="row">
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function Licensing() {
  const license = useLoad(() => call(api.GET("/api/v1/admin/license")), []);
  const { reloadInfo } = useAuth();
  const [key, setKey] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const l = license.data;
  const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : "—");
  const rows: [string, string][] = l
    ? [
        ["Status", l.status],
        ["Licensee", l.licensee ?? "— (evaluation mode)"],
        ["Key id", l.id ?? "—"],
        ["Issued", when(l.issuedAt)],
        ["Expires", when(l.expiresAt)],
        ["Active users", `${l.activeUsers} of ${l.maxUsers}`],
        ["Features", l.features.length ? l.features.join(", ") : "—"],
      ]
    : [];
  return (
    <>
      <h1>Licensing</h1>
      <section className="panel">
        <h2>Key in use</h2>
        <ErrorBox error={license.error} />
        {l && (
          <dl className="meta">
            {rows.map(([k, v]) => (
              <div key={k} className="row">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <form
        className="panel"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await call(api.PUT("/api/v1/admin/license", { body: { key } }));
            setKey("");
            license.reload();
            reloadInfo();
          } catch (err) {
            setError(err as Error);
          }
        }}
      >
        <h2>Activate a license key</h2>
        <Field label="License key (paste it unchanged)">
          <textarea className="mono" rows={6} value={key} onChange={(e) => setKey(e.target.value)} required />
        </Field>
        <ErrorBox error={error} />
        <button type="submit" className="primary">
          Activate
        </button>
      </form>
    </>
  );
}

function Audit() {
  const { query, navigate } = useRouter();
  const actor = query.get("actor") ?? "";
  const action = query.get("action") ?? "";
  const offset = Number(query.get("offset") ?? "0") || 0;
  const limit = 50;
  const [a, setA] = useState(actor);
  const [b, setB] = useState(action);
  const events = useLoad(
    () => call(api.GET("/api/v1/admin/audit", { params: { query: { actor: actor || undefined, action: action || undefined, limit, offset } } })),
    [actor, action, offset],
  );
  const page = (o: number) => navigate(href("/admin/audit", { actor, action, offset: o ? String(o) : undefined }));
  return (
    <>
      <h1>Audit log</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(href("/admin/audit", { actor: a.trim(), action: b.trim() }));
        }}
      >
        <input placeholder="Actor" aria-label="Actor" value={a} onChange={(e) => setA(e.target.value)} />
        <input placeholder="Action (e.g. login, token.)" aria-label="Action" value={b} onChange={(e) => setB(e.target.value)} />
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={events.error} />
      <Loading when={events.loading && !events.data} />
      {events.data && (
        <>
          <table className="list" aria-label="Audit events">
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>Result</th>
                <th>From</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((ev) => (
                <tr key={ev.id} title={Object.keys(ev.details ?? {}).length ? JSON.stringify(ev.details) : undefined}>
                  <td className="nowrap muted">{fmtDate(ev.at)}</td>
                  <td>
                    {ev.actor} <span className="muted">{ev.actorKind !== "user" ? `(${ev.actorKind})` : ""}</span>
                  </td>
                  <td className="mono">{ev.action}</td>
                  <td>{ev.target}</td>
                  <td>{ev.success ? <span className="badge v-public">ok</span> : <span className="badge fail">failed</span>}</td>
                  <td className="muted">{ev.remoteAddr}</td>
                </tr>
              ))}
              {events.data.items.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted center">
                    No events.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" disabled={offset === 0} onClick={() => page(Math.max(0, offset - limit))}>
              Newer
            </button>
            <span className="muted">
              {events.data.total ? `${offset + 1}–${offset + events.data.items.length} of ${events.data.total}` : ""}
            </span>
            <button type="button" disabled={offset + limit >= events.data.total} onClick={() => page(offset + limit)}>
              Older
            </button>
          </div>
        </>
      )}
    </>
  );
}
