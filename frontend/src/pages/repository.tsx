// The repository page: header, settings, connect and permissions, the same
// for every type, around the content view its type maps to
// (repository/views.tsx).
import { useState } from "react";
import { api, call } from "../api/client";
import { useAuth } from "../auth";
import { Link } from "../router";
import { ErrorBox, Loading, fmtDate, useLoad } from "../ui";
import { ConnectDialog } from "./connect";
import { PermissionsPanel } from "./permissions";
import { EditRepositoryDialog, typeLabel } from "./repositories";
import { contentViews } from "./repository/views";

export function RepositoryPage({ name }: { name: string }) {
  const { user } = useAuth();
  const [connect, setConnect] = useState(false);
  const [editing, setEditing] = useState(false);
  const repo = useLoad(() => call(api.GET("/api/v1/repositories/{name}", { params: { path: { name } } })), [name]);
  const r = repo.data;
  const Content = r ? contentViews[r.type] : undefined;
  return (
    <div className="page">
      <div className="crumbs">
        <Link to="/repositories">Repositories</Link> / <span>{name}</span>
      </div>
      <ErrorBox error={repo.error} />
      <Loading when={repo.loading && !r} />
      {r && (
        <>
          <div className="header">
            <div>
              <h1>
                {r.name} <span className={`badge t-${r.type}`}>{typeLabel(r.type)}</span>{" "}
                <span className={`badge v-${r.visibility}`}>{r.visibility}</span>
              </h1>
              {r.description && <p className="muted">{r.description}</p>}
            </div>
            <div className="buttons">
              <button type="button" className="primary" onClick={() => setConnect(true)}>
                Connect
              </button>
              {user && (r.access === undefined || r.access === "admin") && (
                <button type="button" onClick={() => setEditing(true)}>
                  Settings
                </button>
              )}
            </div>
          </div>
          <dl className="meta">
            <dt>Owner</dt>
            <dd>{r.owner ?? "—"}</dd>
            <dt>Created</dt>
            <dd>{fmtDate(r.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{fmtDate(r.updatedAt)}</dd>
            {r.access && (
              <>
                <dt>Your access</dt>
                <dd>{r.access}</dd>
              </>
            )}
          </dl>
          {Content && <Content repo={r} />}
          {user && r.access === "admin" && <PermissionsPanel repo={r} />}
          {connect && <ConnectDialog repo={r} onClose={() => setConnect(false)} />}
          {editing && (
            <EditRepositoryDialog
              repo={r}
              onClose={() => setEditing(false)}
              onSaved={() => {
                setEditing(false);
                repo.reload();
              }}
            />
          )}
        </>
      )}
    </div>
  );
}
