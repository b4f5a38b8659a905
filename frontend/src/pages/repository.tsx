import { useRef, useState } from "react";
import { api, call, rawFetch, type Repository, type Schema } from "../api/client";
import { useAuth } from "../auth";
import { href, Link, useRouter } from "../router";
import { Code, ErrorBox, Loading, Tabs, fmtDate, fmtSize, useLoad } from "../ui";
import { ConnectDialog } from "./connect";
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

/** Accepts {items}, {entries} or a bare array while the files API settles. */
function entriesOf(d: unknown): FileEntry[] {
  const raw = Array.isArray(d) ? d : ((d as { items?: unknown[]; entries?: unknown[] })?.items ?? (d as { entries?: unknown[] })?.entries ?? []);
  return (raw as FileEntry[]).map((e) => ({ ...e, type: isFolder(e) ? "folder" : "file" }));
}

function isFolder(e: { type?: string }): boolean {
  return e.type === "folder" || e.type === "dir" || e.type === "directory";
}

function join(folder: string, name: string): string {
  return folder ? `${folder.replace(/\/$/, "")}/${name}` : name;
}

function encodePath(p: string): string {
  return p.split("/").filter(Boolean).map(encodeURIComponent).join("/");
}

function FilesBrowser({ repo }: { repo: Repository }) {
  const { query, navigate, path: here } = useRouter();
  const { user } = useAuth();
  const folder = (query.get("path") ?? "").replace(/^\/+|\/+$/g, "");
  const file = query.get("file") ?? "";
  const list = useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/files", { params: { path: { name: repo.name }, query: { path: folder || undefined } } })),
    [repo.name, folder],
  );
  const upload = useRef<HTMLInputElement>(null);
  const [uploadError, setUploadError] = useState<Error | null>(null);
  const [uploading, setUploading] = useState("");

  const go = (p: string, f?: string) => navigate(href(here, { path: p, file: f }));
  const crumbs = folder ? folder.split("/") : [];

  const doUpload = async (files: FileList | null) => {
    if (!files?.length) return;
    setUploadError(null);
    try {
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
        {user && (
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
          <Loading when={list.loading && !list.data} />
          {list.data && (
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
                      <a href="#" onClick={(e) => (e.preventDefault(), go(crumbs.slice(0, -1).join("/")))}>
                        ..
                      </a>
                    </td>
                  </tr>
                )}
                {entriesOf(list.data).map((e) => {
                  const p = e.path || join(folder, e.name);
                  return (
                    <tr key={p} className={p === file ? "selected" : ""}>
                      <td>
                        <a href="#" onClick={(ev) => (ev.preventDefault(), isFolder(e) ? go(p) : go(folder, p))}>
                          <Icon folder={isFolder(e)} />
                          {e.name}
                        </a>
                      </td>
                      <td className="right muted">{isFolder(e) ? "" : fmtSize(e.size)}</td>
                      <td className="muted">{fmtDate(e.modifiedAt)}</td>
                    </tr>
                  );
                })}
                {entriesOf(list.data).length === 0 && (
                  <tr>
                    <td colSpan={3} className="muted center">
                      This folder is empty.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </div>
        {file && <FileDetails repo={repo.name} path={file} auth={repo.visibility === "private" ? `-u ${user?.username ?? "<username>"}:<token> ` : ""} />}
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

function FileDetails({ repo, path, auth }: { repo: string; path: string; auth: string }) {
  const d = useLoad(() => call(api.GET("/api/v1/repositories/{name}/files/details", { params: { path: { name: repo }, query: { path } } })), [repo, path]);
  const url = `/api/files/${encodeURIComponent(repo)}/${encodePath(path)}`;
  return (
    <aside className="details" aria-label="File details">
      <h3>{path.split("/").pop()}</h3>
      <a className="button primary" href={url} download>
        Download
      </a>
      <ErrorBox error={d.error} />
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
          {d.data.sha256 && (
            <>
              <dt>SHA-256</dt>
              <dd className="mono">{d.data.sha256}</dd>
            </>
          )}
          <dt>Uploaded</dt>
          <dd>
            {fmtDate(d.data.createdAt)}
            {d.data.createdBy ? ` by ${d.data.createdBy}` : ""}
          </dd>
        </dl>
      )}
      <Code text={`curl ${auth}-O ${window.location.origin}${url}`} />
    </aside>
  );
}

const manifestTabs = ["details", "configuration", "layers"] as const;
type ManifestTab = (typeof manifestTabs)[number];

function DockerBrowser({ repo }: { repo: Repository }) {
  const { query, navigate, path: here } = useRouter();
  const image = query.get("image") ?? "";
  const tag = query.get("tag") ?? "";
  const tab = (manifestTabs as readonly string[]).includes(query.get("tab") ?? "") ? (query.get("tab") as ManifestTab) : "details";
  const go = (q: Record<string, string | undefined>) => navigate(href(here, q));

  const images = useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/docker/images", { params: { path: { name: repo.name }, query: { limit: 500 } } })),
    [repo.name],
  );
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
                {image}
              </a>
            </>
          )}
          {tag && <> / {tag}</>}
        </div>
      </div>
      {!image && (
        <>
          <ErrorBox error={images.error} />
          <Loading when={images.loading && !images.data} />
          {images.data && (
            <table className="list" aria-label="Images">
              <thead>
                <tr>
                  <th>Image</th>
                  <th className="right">Tags</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {images.data.items.map((i) => (
                  <tr key={i.name}>
                    <td>
                      <a href={href(here, { image: i.name })} onClick={(e) => (e.preventDefault(), go({ image: i.name }))}>
                        {i.name}
                      </a>
                    </td>
                    <td className="right">{i.tags ?? "—"}</td>
                    <td className="muted">{fmtDate(i.updatedAt)}</td>
                  </tr>
                ))}
                {images.data.items.length === 0 && (
                  <tr>
                    <td colSpan={3} className="muted center">
                      No images yet: use Connect to push one.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </>
      )}
      {image && !tag && <TagList repo={repo.name} image={image} onPick={(t) => go({ image, tag: t })} />}
      {image && tag && <ManifestView repo={repo.name} image={image} tag={tag} tab={tab} onTab={(t) => go({ image, tag, tab: t })} />}
    </section>
  );
}

function useTags(repo: string, image: string) {
  return useLoad(
    () => call(api.GET("/api/v1/repositories/{name}/docker/images/{image}/tags", { params: { path: { name: repo, image }, query: { limit: 500 } } })),
    [repo, image],
  );
}

function TagList({ repo, image, onPick }: { repo: string; image: string; onPick: (tag: string) => void }) {
  const tags = useTags(repo, image);
  return (
    <>
      <ErrorBox error={tags.error} />
      <Loading when={tags.loading && !tags.data} />
      {tags.data && (
        <table className="list" aria-label="Tags">
          <thead>
            <tr>
              <th>Tag</th>
              <th>Digest</th>
              <th className="right">Size</th>
              <th>Pushed</th>
            </tr>
          </thead>
          <tbody>
            {tags.data.items.map((t) => (
              <tr key={t.name}>
                <td>
                  <a href="#" onClick={(e) => (e.preventDefault(), onPick(t.name))}>
                    {t.name}
                  </a>
                </td>
                <td className="mono muted">{t.digest.slice(0, 19)}</td>
                <td className="right">{fmtSize(t.size)}</td>
                <td className="muted">{fmtDate(t.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function ManifestView(props: { repo: string; image: string; tag: string; tab: ManifestTab; onTab: (t: ManifestTab) => void }) {
  const tags = useTags(props.repo, props.image);
  const digest = tags.data?.items.find((t) => t.name === props.tag)?.digest ?? "";
  const m = useLoad(
    () =>
      digest
        ? call(api.GET("/api/v1/repositories/{name}/docker/manifests/{digest}", { params: { path: { name: props.repo, digest } } }))
        : Promise.resolve(undefined),
    [props.repo, digest],
  );
  const ref = `${window.location.host}/${props.repo}/${props.image}:${props.tag}`;
  const config = m.data?.config as { config?: { Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; Labels?: Record<string, string> }; history?: { created_by?: string; empty_layer?: boolean }[]; architecture?: string; os?: string; created?: string } | undefined;
  const history = (config?.history ?? []).filter((h) => !h.empty_layer);
  return (
    <>
      <ErrorBox error={tags.error || m.error} />
      {tags.data && !digest && <div className="error">No tag {props.tag} in {props.image}.</div>}
      <Tabs tabs={manifestTabs} value={props.tab} onChange={props.onTab} labels={{ details: "Details", configuration: "Configuration", layers: "Layers" }} />
      <Loading when={m.loading} />
      {m.data && props.tab === "details" && (
        <dl className="meta">
          <dt>Image</dt>
          <dd>{ref}</dd>
          <dt>Digest</dt>
          <dd className="mono">{m.data.digest}</dd>
          <dt>Media type</dt>
          <dd>{m.data.mediaType ?? "—"}</dd>
          <dt>Size</dt>
          <dd>{fmtSize((m.data.layers ?? []).reduce((n, l) => n + (l.size || 0), 0))}</dd>
          {config?.os && (
            <>
              <dt>Platform</dt>
              <dd>
                {config.os}/{config.architecture}
              </dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{fmtDate(config?.created)}</dd>
          <dt>Pull</dt>
          <dd>
            <Code text={`docker pull ${ref}`} />
          </dd>
        </dl>
      )}
      {m.data && props.tab === "configuration" && <pre className="json">{JSON.stringify(m.data.config ?? {}, null, 2)}</pre>}
      {m.data && props.tab === "layers" && (
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
            {(m.data.layers ?? []).map((l, i) => (
              <tr key={l.digest + i}>
                <td>{i + 1}</td>
                <td className="mono">{l.digest.slice(0, 19)}</td>
                <td className="muted">{l.mediaType}</td>
                <td className="right">{fmtSize(l.size)}</td>
                <td className="mono muted clip" title={history[i]?.created_by}>
                  {history[i]?.created_by ?? ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
