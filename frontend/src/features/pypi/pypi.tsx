// The content view of a pypi repository: projects, a project's versions
// (highest first, with their yank state) and a version's metadata and
// files, through the pypi REST views. The long description is shown as
// text (React escapes it): an uploaded description never runs script.
import { useState } from "react";
import { api, call, type Repository } from "../../api/client";
import { useAuth } from "../../api/session";
import { href, useRouter } from "../../ui/router-compat";
import { ErrorBox, Loading, fmtDate, fmtSize, useLoad } from "../../ui/legacy";
import { FilteredTable } from "../../ui/filtered-table";

export function PypiContent({ repo }: { repo: Repository }) {
  const { query, navigate, path: here } = useRouter();
  const project = query.get("project") ?? "";
  const version = query.get("version") ?? "";
  const go = (q: Record<string, string | undefined>) => navigate(href(here, q));
  const index = `/api/python/${encodeURIComponent(repo.name)}/simple/`;
  return (
    <section className="panel">
      <div className="panel-head">
        <div className="crumbs">
          <a href={href(here)} onClick={(e) => (e.preventDefault(), go({}))}>
            Packages
          </a>
          {project && (
            <>
              {" / "}
              <a href={href(here, { project })} onClick={(e) => (e.preventDefault(), go({ project }))}>
                {project}
              </a>
            </>
          )}
          {version && <> / {version}</>}
        </div>
      </div>
      {!project && (
        <>
          <p className="muted">
            Index: <a href={index}>{window.location.origin + index}</a> (use Connect for pip and twine).
          </p>
          <ProjectList repo={repo.name} onPick={(p) => go({ project: p })} />
        </>
      )}
      {project && !version && <VersionList repo={repo} project={project} onPick={(v) => go({ project, version: v })} />}
      {project && version && <VersionView repo={repo} project={project} version={version} onGone={() => go({ project })} />}
    </section>
  );
}

function ProjectList({ repo, onPick }: { repo: string; onPick: (project: string) => void }) {
  return (
    <FilteredTable
      label="Packages"
      noun="packages"
      deps={[repo]}
      load={(q) => call(api.GET("/api/v1/repositories/{name}/pypi/packages", { params: { path: { name: repo }, query: { q, limit: 500 } } }))}
      rowKey={(p) => p.normalizedName}
      empty="No packages yet: use Connect to upload one with twine."
      columns={[
        {
          title: "Package",
          cell: (p) => (
            <a href="#" onClick={(e) => (e.preventDefault(), onPick(p.normalizedName))} className="strong">
              {p.name}
            </a>
          ),
        },
        { title: "Latest", cell: (p) => <span className="mono">{p.latestVersion}</span> },
        { title: "Versions", right: true, cell: (p) => p.versionCount },
        { title: "Size", right: true, cell: (p) => fmtSize(p.size) },
        { title: "Updated", cell: (p) => <span className="muted">{fmtDate(p.updatedAt)}</span> },
      ]}
    />
  );
}

function VersionList({ repo, project, onPick }: { repo: Repository; project: string; onPick: (version: string) => void }) {
  const page = useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/pypi/packages/{project}/versions", { params: { path: { name: repo.name, project }, query: { limit: 500 } } })),
    [repo.name, project],
  );
  return (
    <>
      <p className="mono">pip install {project}</p>
      <ErrorBox error={page.error} />
      <Loading when={page.loading && !page.data} />
      {page.data && (
        <table className="list" aria-label="Versions">
          <thead>
            <tr>
              <th>Version</th>
              <th className="right">Files</th>
              <th className="right">Size</th>
              <th>Uploaded</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((v) => (
              <tr key={v.version}>
                <td>
                  <a href="#" onClick={(e) => (e.preventDefault(), onPick(v.version))} className="strong">
                    {v.version}
                  </a>
                  {v.yanked && (
                    <span className="badge fail" title={v.yankedReason || "yanked"}>
                      {" "}
                      yanked
                    </span>
                  )}
                </td>
                <td className="right">{v.fileCount}</td>
                <td className="right">{fmtSize(v.size)}</td>
                <td className="muted">{fmtDate(v.uploadedAt)}</td>
                <td className="muted">{v.uploadedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.data && page.data.total > page.data.items.length && (
        <p className="muted">
          Showing the first {page.data.items.length} of {page.data.total} versions.
        </p>
      )}
    </>
  );
}

function VersionView({ repo, project, version, onGone }: { repo: Repository; project: string; version: string; onGone: () => void }) {
  const { user } = useAuth();
  const canWrite = !!user && repo.access !== "read";
  const path = { name: repo.name, project, version };
  const d = useLoad(() => call(api.GET("/api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}", { params: { path } })), [repo.name, project, version]);
  const [error, setError] = useState<Error | null>(null);
  const act = async (f: () => Promise<unknown>, after: () => void) => {
    setError(null);
    try {
      await f();
      after();
    } catch (e) {
      setError(e as Error);
    }
  };
  const yank = (yanked: boolean) => {
    const reason = yanked ? window.prompt("Why is this version yanked? (pip shows the reason)", "") : "";
    if (reason === null) return;
    void act(() => call(api.PATCH("/api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}", { params: { path }, body: { yanked, yankedReason: reason || undefined } })), d.reload);
  };
  const removeVersion = () => {
    if (!window.confirm(`Delete ${project} ${version} with its files? Their file names can never be uploaded again.`)) return;
    void act(() => call(api.DELETE("/api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}", { params: { path } })), onGone);
  };
  const removeFile = (filename: string) => {
    if (!window.confirm(`Delete ${filename}? Its name can never be uploaded again.`)) return;
    void act(() => call(api.DELETE("/api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}/files/{filename}", { params: { path: { ...path, filename } } })), d.reload);
  };
  const v = d.data;
  return (
    <>
      <ErrorBox error={d.error || error} />
      <Loading when={d.loading && !v} />
      {v && (
        <>
          <h2>
            {v.project} {v.version} {v.yanked && <span className="badge fail">yanked{v.yankedReason ? `: ${v.yankedReason}` : ""}</span>}
          </h2>
          <p>{v.summary}</p>
          <p className="mono">
            pip install {v.normalizedName}=={v.version}
          </p>
          {canWrite && (
            <div className="actions">
              <button type="button" className="small" onClick={() => yank(!v.yanked)}>
                {v.yanked ? "Unyank" : "Yank"}
              </button>{" "}
              <button type="button" className="small danger" onClick={removeVersion}>
                Delete version
              </button>
            </div>
          )}
          <dl className="pypi-meta">
            {v.author && (
              <>
                <dt>Author</dt>
                <dd>
                  {v.author} {v.authorEmail && <span className="muted">{v.authorEmail}</span>}
                </dd>
              </>
            )}
            {v.license && (
              <>
                <dt>License</dt>
                <dd>{v.license}</dd>
              </>
            )}
            {v.requiresPython && (
              <>
                <dt>Requires Python</dt>
                <dd className="mono">{v.requiresPython}</dd>
              </>
            )}
            {v.dependencies.length > 0 && (
              <>
                <dt>Dependencies</dt>
                <dd className="mono">{v.dependencies.join(", ")}</dd>
              </>
            )}
            {v.projectUrls.map((u) => (
              <div key={u.label + u.url}>
                <dt>{u.label || "URL"}</dt>
                <dd>{/^https?:\/\//.test(u.url) ? <a href={u.url} rel="noopener noreferrer nofollow">{u.url}</a> : u.url}</dd>
              </div>
            ))}
            {v.classifiers.length > 0 && (
              <>
                <dt>Classifiers</dt>
                <dd>{v.classifiers.join("; ")}</dd>
              </>
            )}
          </dl>
          <table className="list" aria-label="Files">
            <thead>
              <tr>
                <th>File</th>
                <th>Type</th>
                <th className="right">Size</th>
                <th>SHA-256</th>
                <th>Uploaded</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {v.files.map((f) => (
                <tr key={f.filename}>
                  <td>
                    <a href={f.downloadUrl}>{f.filename}</a>
                  </td>
                  <td className="muted">{f.type === "bdist_wheel" ? "wheel" : "sdist"}</td>
                  <td className="right">{fmtSize(f.size)}</td>
                  <td className="mono muted" title={f.sha256}>
                    {f.sha256.slice(0, 16)}
                  </td>
                  <td className="muted">
                    {fmtDate(f.uploadedAt)} {f.uploadedBy}
                  </td>
                  <td className="right">
                    {canWrite && (
                      <button type="button" className="small danger" onClick={() => removeFile(f.filename)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {v.description && (
            <>
              <h3>Description</h3>
              <pre className="description">{v.description}</pre>
            </>
          )}
        </>
      )}
    </>
  );
}
