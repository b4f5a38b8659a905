// The content view of a Go repository: its modules, their versions (highest
// first) and a version's go.mod, requirements, files and README.
import { useState } from "react";
import { api, call, type Repository } from "../../api/client";
import { useAuth } from "../../api/session";
import { href, useRouter } from "../../ui/router-compat";
import { Code, CopyButton, ErrorBox, Loading, fmtDate, fmtSize, useLoad } from "../../ui/legacy";
import { FilteredTable } from "../../ui/filtered-table";

export function GoContent({ repo }: { repo: Repository }) {
  const { query, navigate, path: here } = useRouter();
  const mod = query.get("module") ?? "";
  const version = query.get("version") ?? "";
  const go = (q: Record<string, string | undefined>) => navigate(href(here, q));
  return (
    <section className="panel">
      <div className="panel-head">
        <div className="crumbs">
          <a href={href(here)} onClick={(e) => (e.preventDefault(), go({}))}>
            Modules
          </a>
          {mod && (
            <>
              {" / "}
              <a href={href(here, { module: mod })} onClick={(e) => (e.preventDefault(), go({ module: mod }))}>
                {mod}
              </a>
            </>
          )}
          {version && <> / {version}</>}
        </div>
      </div>
      {!mod && <ModuleList repo={repo.name} onPick={(m) => go({ module: m })} />}
      {mod && !version && <VersionList repo={repo} mod={mod} onPick={(v) => go({ module: mod, version: v })} />}
      {mod && version && <VersionView repo={repo.name} mod={mod} version={version} />}
    </section>
  );
}

function ModuleList({ repo, onPick }: { repo: string; onPick: (m: string) => void }) {
  return (
    <FilteredTable
      label="Modules"
      noun="modules"
      deps={[repo]}
      load={(q) => call(api.GET("/api/v1/repositories/{name}/go/modules", { params: { path: { name: repo }, query: { q, limit: 500 } } }))}
      rowKey={(m) => m.path}
      empty="No modules yet: use Connect to push a version tag."
      columns={[
        {
          title: "Module",
          cell: (m) => (
            <a href="#" onClick={(e) => (e.preventDefault(), onPick(m.path))} className="strong">
              {m.path}
            </a>
          ),
        },
        { title: "Latest", cell: (m) => <span className="mono">{m.latestVersion}</span> },
        { title: "Versions", right: true, cell: (m) => m.versionCount },
        { title: "Updated", cell: (m) => <span className="muted">{fmtDate(m.updatedAt)}</span> },
      ]}
    />
  );
}

function VersionList({ repo, mod, onPick }: { repo: Repository; mod: string; onPick: (v: string) => void }) {
  const { user } = useAuth();
  const info = useLoad(() => call(api.GET("/api/v1/repositories/{name}/go/modules/{module}", { params: { path: { name: repo.name, module: mod } } })), [repo.name, mod]);
  const versions = useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/go/modules/{module}/versions", { params: { path: { name: repo.name, module: mod }, query: { limit: 500 } } })),
    [repo.name, mod],
  );
  const [error, setError] = useState<Error | null>(null);
  const canWrite = !!user && repo.access !== "read";
  const remove = async (v: string) => {
    if (!window.confirm(`Delete ${mod}@${v}? Builds that need it will fail; the Go way is a retract directive in a newer version. The git tag stays.`)) return;
    setError(null);
    try {
      await call(api.DELETE("/api/v1/repositories/{name}/go/modules/{module}/versions/{version}", { params: { path: { name: repo.name, module: mod, version: v } } }));
      versions.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <ErrorBox error={info.error || versions.error || error} />
      {info.data && (
        <p className="muted">
          git clone <span className="mono">{info.data.cloneUrl}</span> <CopyButton text={`git clone ${info.data.cloneUrl}`} />
        </p>
      )}
      <Loading when={versions.loading && !versions.data} />
      {versions.data && (
        <table className="list" aria-label="Versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Time</th>
              <th>Commit</th>
              <th>Hash</th>
              <th className="right">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.data.items.map((v) => (
              <tr key={v.version}>
                <td>
                  <a href="#" onClick={(e) => (e.preventDefault(), onPick(v.version))} className="strong">
                    {v.version}
                  </a>
                </td>
                <td className="muted">{fmtDate(v.time)}</td>
                <td className="mono muted" title={v.commit}>
                  {v.commit ? v.commit.slice(0, 12) : "(uploaded zip)"}
                </td>
                <td className="mono muted">{v.hash}</td>
                <td className="right">{fmtSize(v.size)}</td>
                <td className="right">
                  {canWrite && (
                    <button type="button" className="small danger" onClick={() => remove(v.version)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {versions.data.items.length === 0 && (
              <tr>
                <td colSpan={6} className="muted center">
                  No versions.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}

function VersionView({ repo, mod, version }: { repo: string; mod: string; version: string }) {
  const v = useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/go/modules/{module}/versions/{version}", { params: { path: { name: repo, module: mod, version } } })),
    [repo, mod, version],
  );
  return (
    <>
      <ErrorBox error={v.error} />
      <Loading when={v.loading && !v.data} />
      {v.data && (
        <>
          <Code text={`go get ${mod}@${version}`} />
          <p className="muted">
            {fmtDate(v.data.time)} · <span className="mono">{v.data.hash}</span> · <a href={v.data.zipUrl}>module zip</a> ({fmtSize(v.data.size)})
          </p>
          <h3>go.mod</h3>
          <pre className="mono">{v.data.goMod}</pre>
          <h3>Requirements</h3>
          {v.data.requires.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <table className="list" aria-label="Requirements">
              <tbody>
                {v.data.requires.map((r) => (
                  <tr key={r.path}>
                    <td className="mono">{r.path}</td>
                    <td className="mono">{r.version}</td>
                    <td className="muted">{r.indirect ? "indirect" : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Files</h3>
          <table className="list" aria-label="Files">
            <tbody>
              {v.data.files.map((f) => (
                <tr key={f.path}>
                  <td className="mono">{f.path}</td>
                  <td className="right">{fmtSize(f.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {v.data.readme && (
            <>
              <h3>README</h3>
              <pre>{v.data.readme}</pre>
            </>
          )}
        </>
      )}
    </>
  );
}
