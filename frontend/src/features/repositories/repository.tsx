// The repository page shell: header (name, type, description, visibility),
// Connect and Edit, the same for every type, around the content view its
// type maps to (the views slot, filled in by src/routes.tsx).
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { Pencil, Plug } from "lucide-react";
import { useState, type ComponentType } from "react";
import type { Repository, RepositoryType } from "../../api/client";
import { $api, errorStatus } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ProblemMessage, formatDate } from "../../ui";
import { RepoTypeIcon } from "../../ui/repo-type-icon";
import { EditRepositoryDialog } from "./edit";

/** What the route tree plugs into the page: one content view per type and the Connect dialog (features never import each other). */
export type RepositoryPageSlots = {
  views: Record<RepositoryType, ComponentType<{ repo: Repository }>>;
  Connect: ComponentType<{ repo: Repository; onClose: () => void }>;
};

export function RepositoryPage({ name, views, Connect }: { name: string } & RepositoryPageSlots) {
  const { user } = useAuth();
  const { settings } = useSearch({ from: "/repositories/$name" });
  const navigate = useNavigate({ from: "/repositories/$name" });
  const [connect, setConnect] = useState(false);
  const repo = $api.useQuery("get", "/api/v1/repositories/{name}", { params: { path: { name } } });
  const r = repo.data;
  const Content = r ? views[r.type] : undefined;
  const canEdit = !!user && r?.access === "admin";
  const setSettings = (tab: "general" | "permissions" | undefined) => navigate({ search: (s) => ({ ...s, settings: tab }), replace: !!settings });

  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/repositories">Repositories</Link> / <span>{name}</span>
      </nav>
      {repo.error && (
        <>
          <ProblemMessage error={repo.error} />
          {errorStatus(repo.error) === 404 && user === null && (
            <p className="muted">
              Private repositories are visible after you <Link to="/login" search={{ next: `/repositories/${name}` }}>log in</Link>.
            </p>
          )}
        </>
      )}
      {repo.isPending && (
        <div className="header" aria-busy>
          <span className="skeleton" style={{ width: 240, height: 28 }} />
        </div>
      )}
      {r && (
        <>
          <div className="header repo-header">
            <div className="repo-title">
              <h1>
                {r.name} <RepoTypeIcon type={r.type} /> <span className={`badge v-${r.visibility}`}>{r.visibility}</span>
                {r.immutable && <span className="badge">immutable</span>}
              </h1>
              {r.description && <p className="muted repo-description">{r.description}</p>}
            </div>
            <div className="buttons">
              <Button variant="primary" onClick={() => setConnect(true)}>
                <Plug size={14} aria-hidden /> Connect
              </Button>
              {canEdit && (
                <Button onClick={() => setSettings("general")}>
                  <Pencil size={14} aria-hidden /> Edit
                </Button>
              )}
            </div>
          </div>
          <dl className="meta repo-meta">
            <div className="row">
              <dt>Owner</dt>
              <dd>{r.owner ?? "—"}</dd>
            </div>
            <div className="row">
              <dt>Created</dt>
              <dd>{formatDate(r.createdAt)}</dd>
            </div>
            <div className="row">
              <dt>Updated</dt>
              <dd>{formatDate(r.updatedAt)}</dd>
            </div>
            {r.access && (
              <div className="row">
                <dt>Your access</dt>
                <dd>{r.access}</dd>
              </div>
            )}
          </dl>
          {Content && <Content repo={r} />}
          {connect && <Connect repo={r} onClose={() => setConnect(false)} />}
          {canEdit && settings && <EditRepositoryDialog repo={r} tab={settings} onTab={setSettings} onClose={() => setSettings(undefined)} />}
        </>
      )}
    </div>
  );
}
