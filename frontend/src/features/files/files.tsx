// The content view of a files repository: the tree, page by page, with
// upload, details, rename and delete.
import { useRef, useState } from "react";
import { api, call, rawFetch, type Repository, type Schema } from "../../api/client";
import { useAuth } from "../../api/session";
import { href, useRouter } from "../../ui/router-compat";
import { Code, ErrorBox, Loading, fmtDate, fmtSize, useLoad } from "../../ui/legacy";

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

export function FilesBrowser({ repo }: { repo: Repository }) {
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
