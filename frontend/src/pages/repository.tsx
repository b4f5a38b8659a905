import { useEffect, useRef, useState } from "react";
import { api, call, rawFetch, type Repository, type Schema } from "../api/client";
import { useAuth } from "../auth";
import { href, Link, useRouter } from "../router";
import { Code, ErrorBox, Loading, Tabs, fmtDate, fmtSize, useLoad } from "../ui";
import { ConnectDialog } from "./connect";
import { PermissionsPanel } from "./permissions";
import { EditRepositoryDialog, typeLabel } from "./repositories";

export function RepositoryPage({ name }: { name: string }) {
  const { user } = useAuth();
  const [connect, setConnect] = useState(false);
  const [editing, setEditing] = useState(false);
  const repo = useLoad(() => call(api.GET("/api/v1/repositories/{name}", { params: { path: { name } } })), [name]);
  const r = repo.data;
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
          {r.type === "files" && <FilesBrowser repo={r} />}
          {r.type === "docker" && <DockerBrowser repo={r} />}
          {r.type === "pypi" && <PypiContent repo={r} />}
          {r.type === "go" && <GoContent repo={r} />}
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

type FileEntry = Schema<"FileEntry">;

function encodePath(p: string): string {
  return p.split("/").filter(Boolean).map(encodeURIComponent).join("/");
}

function parentOf(p: string): string {
  return p.split("/").slice(0, -1).join("/");
}

/** One folder's children, page by page (the API pages with a cursor). */
function useFolder(repo: string, folder: string) {
  const [more, setMore] = useState<{ items: FileEntry[]; next?: string; error?: Error }>({ items: [] });
  const first = useLoad(async () => {
    setMore({ items: [] });
    return call(api.GET("/api/v1/repositories/{name}/files", { params: { path: { name: repo }, query: { path: folder, limit: 500 } } }));
  }, [repo, folder]);
  const next = more.next ?? (more.items.length ? undefined : first.data?.nextCursor);
  const loadMore = async () => {
    if (!next) return;
    try {
      const d = await call(api.GET("/api/v1/repositories/{name}/files", { params: { path: { name: repo }, query: { path: folder, limit: 500, cursor: next } } }));
      setMore((m) => ({ items: [...m.items, ...d.items], next: d.nextCursor ?? "" }));
    } catch (e) {
      setMore((m) => ({ ...m, error: e as Error }));
    }
  };
  const items = first.data ? [...first.data.items, ...more.items] : undefined;
  return { items, error: first.error || more.error, loading: first.loading, reload: first.reload, hasMore: !!next, loadMore };
}

function FilesBrowser({ repo }: { repo: Repository }) {
  const { query, navigate, path: here } = useRouter();
  const { user } = useAuth();
  const folder = (query.get("path") ?? "").replace(/^\/+|\/+$/g, "");
  const file = query.get("file") ?? "";
  const list = useFolder(repo.name, folder);
  const upload = useRef<HTMLInputElement>(null);
  const [uploadError, setUploadError] = useState<Error | null>(null);
  const [uploading, setUploading] = useState("");
  const canWrite = !!user && (repo.access === undefined || repo.access !== "read");

  const go = (p: string, f?: string) => navigate(href(here, { path: p, file: f }));
  const crumbs = folder ? folder.split("/") : [];

  const doUpload = async (files: FileList | null) => {
    if (!files?.length) return;
    setUploadError(null);
    try {
      // One request per file, so a failure names its file and progress shows.
      for (const f of Array.from(files)) {
        setUploading(f.name);
        const form = new FormData();
        form.append("file", f, f.name);
        await rawFetch(`/api/files/${encodeURIComponent(repo.name)}/${encodePath(folder)}${folder ? "/" : ""}`, { method: "POST", body: form });
      }
      list.reload();
    } catch (e) {
      setUploadError(e as Error);
    } finally {
      setUploading("");
      if (upload.current) upload.current.value = "";
    }
  };

  return (
    <section className="panel">
      <div className="panel-head">
        <div className="crumbs">
          <a href={href(here)} onClick={(e) => (e.preventDefault(), go(""))}>
            {repo.name}
          </a>
          {crumbs.map((c, i) => (
            <span key={i}>
              {" / "}
              <a href={href(here, { path: crumbs.slice(0, i + 1).join("/") })} onClick={(e) => (e.preventDefault(), go(crumbs.slice(0, i + 1).join("/")))}>
                {c}
              </a>
            </span>
          ))}
        </div>
        {canWrite && (
          <>
            <input ref={upload} type="file" multiple hidden onChange={(e) => doUpload(e.target.files)} aria-label="Files to upload" />
            <button type="button" onClick={() => upload.current?.click()} disabled={!!uploading}>
              {uploading ? `Uploading ${uploading}…` : "Upload"}
            </button>
          </>
        )}
      </div>
      <ErrorBox error={uploadError} />
      <div className="split">
        <div className="grow">
          <ErrorBox error={list.error} />
          <Loading when={list.loading && !list.items} />
          {list.items && (
            <table className="list" aria-label="Files">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="right">Size</th>
                  <th>Modified</th>
                </tr>
              </thead>
              <tbody>
                {folder && (
                  <tr>
                    <td colSpan={3}>
                      <a href="#" onClick={(e) => (e.preventDefault(), go(parentOf(folder)))}>
                        ..
                      </a>
                    </td>
                  </tr>
                )}
                {list.items.map((e) => (
                  <tr key={e.path} className={e.path === file ? "selected" : ""}>
                    <td>
                      <a href="#" onClick={(ev) => (ev.preventDefault(), e.folder ? go(e.path) : go(folder, e.path))}>
                        <Icon folder={e.folder} />
                        {e.name}
                      </a>
                    </td>
                    <td className="right muted">{e.folder ? "" : fmtSize(e.size)}</td>
                    <td className="muted">{fmtDate(e.modifiedAt)}</td>
                  </tr>
                ))}
                {list.items.length === 0 && (
                  <tr>
                    <td colSpan={3} className="muted center">
                      {folder ? "This folder is empty." : "No files yet: upload some, or use Connect for curl."}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
          {list.hasMore && (
            <div className="pager">
              <button type="button" onClick={list.loadMore}>
                More…
              </button>
            </div>
          )}
        </div>
        {(file || folder) && (
          <FileDetails
            repo={repo}
            path={file || folder}
            canWrite={canWrite}
            auth={repo.visibility === "private" ? `-u ${user?.username ?? "<username>"}:<token> ` : ""}
            onChanged={(moved) => {
              list.reload();
              if (moved !== undefined) go(file ? folder : parentOf(folder), undefined);
            }}
          />
        )}
      </div>
    </section>
  );
}

function Icon({ folder }: { folder: boolean }) {
  return folder ? (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M1.5 3.5a1 1 0 0 1 1-1h3.6l1.6 1.6h5.8a1 1 0 0 1 1 1v7.4a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z" fill="#f2c14e" />
    </svg>
  ) : (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M3.5 1.5h6l3 3v10h-9z" fill="#fff" stroke="#8a93a6" />
      <path d="M9.5 1.5v3h3" fill="none" stroke="#8a93a6" />
    </svg>
  );
}

/** The selected file (or the open folder): details, download, rename, delete. */
function FileDetails(props: { repo: Repository; path: string; auth: string; canWrite: boolean; onChanged: (movedOrDeleted?: string) => void }) {
  const { repo, path } = props;
  const params = { path: { name: repo.name }, query: { path } };
  const d = useLoad(() => call(api.GET("/api/v1/repositories/{name}/files/details", { params })), [repo.name, path]);
  const [error, setError] = useState<Error | null>(null);
  const url = d.data?.downloadUrl ?? `/api/files/${encodeURIComponent(repo.name)}/${encodePath(path)}`;
  const folder = d.data?.folder ?? false;
  const rename = async () => {
    const to = window.prompt(`Move or rename ${path} to:`, path);
    if (!to || to === path) return;
    setError(null);
    try {
      await call(api.POST("/api/v1/repositories/{name}/files/move", { params: { path: { name: repo.name } }, body: { from: path, to } }));
      props.onChanged(to);
    } catch (e) {
      setError(e as Error);
    }
  };
  const remove = async () => {
    if (!window.confirm(folder ? `Delete folder ${path} and everything in it?` : `Delete ${path}?`)) return;
    setError(null);
    try {
      await call(api.DELETE("/api/v1/repositories/{name}/files", { params }));
      props.onChanged("");
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <aside className="details" aria-label="File details">
      <h3>
        {folder && <Icon folder />}
        {path.split("/").pop()}
      </h3>
      <div className="buttons">
        {!folder && (
          <a className="button primary" href={url} download>
            Download
          </a>
        )}
        {props.canWrite && d.data && (
          <>
            <button type="button" onClick={rename}>
              Move
            </button>
            <button type="button" className="danger" onClick={remove}>
              Delete
            </button>
          </>
        )}
      </div>
      <ErrorBox error={d.error || error} />
      {d.data && (
        <dl className="meta">
          <dt>Path</dt>
          <dd>{d.data.path}</dd>
          <dt>Size</dt>
          <dd>{fmtSize(d.data.size)}</dd>
          {d.data.contentType && (
            <>
              <dt>Type</dt>
              <dd>{d.data.contentType}</dd>
            </>
          )}
          {(["sha256", "sha1", "md5"] as const).map((k) =>
            d.data?.[k] ? (
              <div className="row" key={k}>
                <dt>{k.toUpperCase()}</dt>
                <dd className="mono">{d.data[k]}</dd>
              </div>
            ) : null,
          )}
          <dt>Uploaded</dt>
          <dd>
            {fmtDate(d.data.createdAt)}
            {d.data.uploadedBy ? ` by ${d.data.uploadedBy}` : ""}
          </dd>
          <dt>Modified</dt>
          <dd>{fmtDate(d.data.modifiedAt)}</dd>
        </dl>
      )}
      {!folder && <Code text={`curl ${props.auth}-O ${window.location.origin}${url}`} />}
    </aside>
  );
}

const manifestTabs = ["details", "configuration", "layers"] as const;
type ManifestTab = (typeof manifestTabs)[number];

/** The image path as the API takes it: "_" names the repository root. */
function imageParam(name: string): string {
  return name || "_";
}

function DockerBrowser({ repo }: { repo: Repository }) {
  const { query, navigate, path: here } = useRouter();
  const image = query.get("image") ?? ""; // an imageParam
  const tag = query.get("tag") ?? "";
  const digest = query.get("digest") ?? "";
  const tab = (manifestTabs as readonly string[]).includes(query.get("tab") ?? "") ? (query.get("tab") as ManifestTab) : "details";
  const go = (q: Record<string, string | undefined>) => navigate(href(here, q));
  const label = (p: string) => (p === "_" ? "(root)" : p);

  return (
    <section className="panel">
      <div className="panel-head">
        <div className="crumbs">
          <a href={href(here)} onClick={(e) => (e.preventDefault(), go({}))}>
            Images
          </a>
          {image && (
            <>
              {" / "}
              <a href={href(here, { image })} onClick={(e) => (e.preventDefault(), go({ image }))}>
                {label(image)}
              </a>
            </>
          )}
          {(tag || digest) && <> / {tag || digest.slice(0, 19)}</>}
        </div>
      </div>
      {!image && <ImageList repo={repo.name} onPick={(i) => go({ image: i })} />}
      {image && !tag && !digest && (
        <TagList repo={repo} image={image} onPick={(t) => go({ image, tag: t.name, digest: t.digest })} />
      )}
      {image && (tag || digest) && (
        <ManifestView
          repo={repo.name}
          image={image}
          tag={tag}
          digest={digest}
          tab={tab}
          onTab={(t) => go({ image, tag, digest, tab: t })}
          onDigest={(d) => go({ image, digest: d, tab })}
        />
      )}
    </section>
  );
}

function ImageList({ repo, onPick }: { repo: string; onPick: (image: string) => void }) {
  const [q, setQ] = useState("");
  const [applied, setApplied] = useState("");
  useEffect(() => {
    const t = setTimeout(() => setApplied(q), 250);
    return () => clearTimeout(t);
  }, [q]);
  const images = useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/docker/images", { params: { path: { name: repo }, query: { q: applied || undefined, limit: 500 } } })),
    [repo, applied],
  );
  return (
    <>
      <div className="filters">
        <input type="search" placeholder="Filter images" aria-label="Filter images" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <ErrorBox error={images.error} />
      <Loading when={images.loading && !images.data} />
      {images.data && (
        <table className="list" aria-label="Images">
          <thead>
            <tr>
              <th>Image</th>
              <th>Pull</th>
              <th className="right">Tags</th>
              <th className="right">Manifests</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {images.data.items.map((i) => (
              <tr key={i.name}>
                <td>
                  <a href="#" onClick={(e) => (e.preventDefault(), onPick(imageParam(i.name)))} className="strong">
                    {i.name || "(root)"}
                  </a>
                </td>
                <td className="mono muted">
                  {window.location.host}/{i.pullName}
                </td>
                <td className="right">{i.tagCount}</td>
                <td className="right">{i.manifestCount}</td>
                <td className="muted">{fmtDate(i.updatedAt)}</td>
              </tr>
            ))}
            {images.data.items.length === 0 && (
              <tr>
                <td colSpan={5} className="muted center">
                  {applied ? "No image matches." : "No images yet: use Connect to push one."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {images.data && images.data.total > images.data.items.length && (
        <p className="muted">
          Showing {images.data.items.length} of {images.data.total}; filter to see the rest.
        </p>
      )}
    </>
  );
}

function TagList({ repo, image, onPick }: { repo: Repository; image: string; onPick: (t: Schema<"DockerTag">) => void }) {
  const { user } = useAuth();
  const tagPage = useLoad(() => call(api.GET("/api/v1/repositories/{name}/docker/images/{image}/tags", { params: { path: { name: repo.name, image }, query: { limit: 500 } } })), [repo.name, image]);
  const tags = { ...tagPage, data: tagPage.data?.items };
  const [error, setError] = useState<Error | null>(null);
  const canWrite = !!user && repo.access !== "read";
  const remove = async (tag: string) => {
    if (!window.confirm(`Delete tag ${tag}? The image content stays reachable by digest.`)) return;
    setError(null);
    try {
      await call(api.DELETE("/api/v1/repositories/{name}/docker/images/{image}/tags/{tag}", { params: { path: { name: repo.name, image, tag } } }));
      tags.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <ErrorBox error={tags.error || error} />
      <Loading when={tags.loading && !tags.data} />
      {tags.data && (
        <table className="list" aria-label="Tags">
          <thead>
            <tr>
              <th>Tag</th>
              <th>Digest</th>
              <th>Platforms</th>
              <th className="right">Size</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tags.data.map((t) => (
              <tr key={t.name}>
                <td>
                  <a href="#" onClick={(e) => (e.preventDefault(), onPick(t))} className="strong">
                    {t.name}
                  </a>
                </td>
                <td className="mono muted" title={t.digest}>
                  {t.digest.slice(0, 19)}
                </td>
                <td className="muted">{t.platforms.join(", ")}</td>
                <td className="right">{fmtSize(t.size)}</td>
                <td className="muted">{fmtDate(t.updatedAt)}</td>
                <td className="right">
                  {canWrite && (
                    <button type="button" className="small danger" onClick={() => remove(t.name)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {tags.data.length === 0 && (
              <tr>
                <td colSpan={6} className="muted center">
                  No tags.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {tagPage.data && tagPage.data.total > tagPage.data.items.length && (
        <p className="muted">
          Showing the first {tagPage.data.items.length} of {tagPage.data.total} tags.
        </p>
      )}
    </>
  );
}

function ManifestView(props: {
  repo: string;
  image: string;
  tag: string;
  digest: string;
  tab: ManifestTab;
  onTab: (t: ManifestTab) => void;
  onDigest: (d: string) => void;
}) {
  // A bookmarked ?tag= without ?digest= resolves the tag first.
  const tags = useLoad(
    () =>
      props.digest
        ? Promise.resolve(undefined)
        : call(api.GET("/api/v1/repositories/{name}/docker/images/{image}/tags", { params: { path: { name: props.repo, image: props.image }, query: { limit: 500 } } })).then((p) => p.items),
    [props.repo, props.image, props.digest],
  );
  const digest = props.digest || tags.data?.find((t) => t.name === props.tag)?.digest || "";
  const m = useLoad(
    () =>
      digest
        ? call(api.GET("/api/v1/repositories/{name}/docker/manifests/{digest}", { params: { path: { name: props.repo, digest }, query: { image: props.image } } }))
        : Promise.resolve(undefined),
    [props.repo, props.image, digest],
  );
  const d = m.data;
  const host = window.location.host;
  const imagePath = props.image === "_" ? props.repo : `${props.repo}/${props.image}`;
  const ref = props.tag ? `${host}/${imagePath}:${props.tag}` : `${host}/${imagePath}@${digest}`;
  const c = d?.config;
  return (
    <>
      <ErrorBox error={tags.error || m.error} />
      {tags.data && !digest && <div className="error">No tag {props.tag} in this image.</div>}
      <Tabs tabs={manifestTabs} value={props.tab} onChange={props.onTab} labels={{ details: "Details", configuration: "Configuration", layers: "Layers" }} />
      <Loading when={m.loading && !d} />
      {d && props.tab === "details" && (
        <>
          <dl className="meta">
            <dt>Pull</dt>
            <dd>
              <Code text={`docker pull ${ref}`} />
            </dd>
            <dt>Digest</dt>
            <dd className="mono">{d.digest}</dd>
            <dt>Media type</dt>
            <dd>{d.mediaType}</dd>
            {d.artifactType && (
              <>
                <dt>Artifact type</dt>
                <dd>{d.artifactType}</dd>
              </>
            )}
            <dt>Tags</dt>
            <dd>{d.tags.length ? d.tags.join(", ") : "—"}</dd>
            <dt>Size</dt>
            <dd>
              {fmtSize(d.totalSize)} <span className="muted">(manifest {fmtSize(d.size)})</span>
            </dd>
            <dt>Pushed</dt>
            <dd>{fmtDate(d.createdAt)}</dd>
            {c?.os && (
              <>
                <dt>Platform</dt>
                <dd>
                  {c.os}/{c.architecture}
                  {c.variant ? `/${c.variant}` : ""}
                </dd>
              </>
            )}
            {d.subject && (
              <>
                <dt>Refers to</dt>
                <dd className="mono">
                  <a href="#" onClick={(e) => (e.preventDefault(), props.onDigest(d.subject!))}>
                    {d.subject}
                  </a>
                </dd>
              </>
            )}
            {Object.entries(d.annotations ?? {}).map(([k, v]) => (
              <div className="row" key={k}>
                <dt className="mono">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {d.platforms.length > 0 && (
            <>
              <h3>Platforms</h3>
              <table className="list" aria-label="Platforms">
                <tbody>
                  {d.platforms.map((p) => (
                    <tr key={p.digest}>
                      <td>
                        <a href="#" onClick={(e) => (e.preventDefault(), props.onDigest(p.digest))}>
                          {p.os}/{p.architecture}
                          {p.variant ? `/${p.variant}` : ""}
                        </a>
                      </td>
                      <td className="mono muted">{p.digest.slice(0, 19)}</td>
                      <td className="right">{fmtSize(p.size)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {d.referrers.length > 0 && (
            <>
              <h3>Referrers (signatures, SBOMs, attestations)</h3>
              <table className="list" aria-label="Referrers">
                <tbody>
                  {d.referrers.map((r) => (
                    <tr key={r.digest}>
                      <td>{r.artifactType || r.mediaType}</td>
                      <td className="mono">
                        <a href="#" onClick={(e) => (e.preventDefault(), props.onDigest(r.digest))}>
                          {r.digest.slice(0, 19)}
                        </a>
                      </td>
                      <td className="right">{fmtSize(r.size)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
      {d && props.tab === "configuration" && (c ? <ConfigView c={c} /> : <p className="muted">This manifest has no image configuration (an index or an artifact).</p>)}
      {d && props.tab === "layers" && (
        <table className="list" aria-label="Layers">
          <thead>
            <tr>
              <th>#</th>
              <th>Digest</th>
              <th>Media type</th>
              <th className="right">Size</th>
              <th>Created by</th>
            </tr>
          </thead>
          <tbody>
            {d.layers.map((l, i) => (
              <tr key={l.digest + i}>
                <td>{i + 1}</td>
                <td className="mono" title={l.digest}>
                  {l.digest.slice(0, 19)}
                </td>
                <td className="muted">{l.mediaType}</td>
                <td className="right">{fmtSize(l.size)}</td>
                <td className="mono muted clip" title={l.createdBy}>
                  {l.createdBy ?? ""}
                </td>
              </tr>
            ))}
            {d.layers.length === 0 && (
              <tr>
                <td colSpan={5} className="muted center">
                  No layers.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}

function ConfigView({ c }: { c: Schema<"DockerImageConfig"> }) {
  const list = (xs?: string[]) => (xs?.length ? <span className="mono">{xs.join(" ")}</span> : "—");
  return (
    <>
      <dl className="meta">
        <dt>Platform</dt>
        <dd>
          {c.os ?? "—"}/{c.architecture ?? "—"}
          {c.variant ? `/${c.variant}` : ""}
        </dd>
        <dt>Created</dt>
        <dd>{fmtDate(c.created)}</dd>
        {c.author && (
          <>
            <dt>Author</dt>
            <dd>{c.author}</dd>
          </>
        )}
        <dt>Entrypoint</dt>
        <dd>{list(c.entrypoint)}</dd>
        <dt>Command</dt>
        <dd>{list(c.cmd)}</dd>
        <dt>Working dir</dt>
        <dd className="mono">{c.workingDir || "—"}</dd>
        <dt>User</dt>
        <dd className="mono">{c.user || "—"}</dd>
        <dt>Ports</dt>
        <dd>{list(c.exposedPorts)}</dd>
        <dt>Environment</dt>
        <dd>
          {c.env?.length
            ? c.env.map((e) => (
                <div key={e} className="mono">
                  {e}
                </div>
              ))
            : "—"}
        </dd>
        <dt>Labels</dt>
        <dd>
          {Object.keys(c.labels ?? {}).length
            ? Object.entries(c.labels!).map(([k, v]) => (
                <div key={k} className="mono">
                  {k}={v}
                </div>
              ))
            : "—"}
        </dd>
      </dl>
      {c.history?.length ? (
        <>
          <h3>History</h3>
          <table className="list" aria-label="History">
            <tbody>
              {c.history.map((h, i) => (
                <tr key={i} className={h.emptyLayer ? "muted" : ""}>
                  <td className="nowrap muted">{fmtDate(h.created)}</td>
                  <td className="mono clip" title={h.createdBy}>
                    {h.createdBy}
                  </td>
                  <td className="muted">{h.emptyLayer ? "no layer" : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

function PypiContent({ repo }: { repo: Repository }) {
  const index = `/api/python/${encodeURIComponent(repo.name)}/simple/`;
  return (
    <section className="panel">
      <h2>Packages</h2>
      <p>
        The package index of this repository is at <a href={index}>{window.location.origin + index}</a>. Use Connect for pip and twine commands.
      </p>
    </section>
  );
}

function GoContent({ repo }: { repo: Repository }) {
  return (
    <section className="panel">
      <h2>Modules</h2>
      <p>
        Go modules are published by pushing a version tag to the repository's internal git remote, and downloaded through its GOPROXY at{" "}
        <code>{`${window.location.origin}/api/go/${repo.name}/`}</code>. Use Connect for the commands.
      </p>
    </section>
  );
}
