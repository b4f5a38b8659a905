// The repository page: header, settings, connect and permissions, the same
// for every type, around the content view its type maps to (the views
// slot, filled in by src/routes.tsx).
import { useState } from "react";
import { api, call } from "../../api/client";
import { useAuth } from "../../api/session";
import { Link } from "../../ui/router-compat";
import { ErrorBox, Loading, fmtDate, useLoad } from "../../ui/legacy";
import { PermissionsPanel } from "./permissions";
import { EditRepositoryDialog } from "./list";
import { typeLabel } from "../../ui/repo-types";
import type { ComponentType } from "react";
import type { Repository, RepositoryType } from "../../api/client";

/** What the route tree plugs into the page: one content view per type and the Connect dialog (features never import each other). */
export type RepositoryPageSlots = {
  views: Record<RepositoryType, ComponentType<{ repo: Repository }>>;
  Connect: ComponentType<{ repo: Repository; onClose: () => void }>;
};

export function RepositoryPage({ name, views, Connect }: { name: string } & RepositoryPageSlots) {
  const { user } = useAuth();
  const [connect, setConnect] = useState(false);
  const [editing, setEditing] = useState(false);
  const repo = useLoad(() => call(api.GET("/api/v1/repositories/{name}", { params: { path: { name } } })), [name]);
  const r = repo.data;
  const Content = r ? views[r.type] : undefined;
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
          {connect && <Connect repo={r} onClose={() => setConnect(false)} />}
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
