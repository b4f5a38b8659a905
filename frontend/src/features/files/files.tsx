// The content view of a files repository: one folder at a time (path in the
// URL, paged with the API's cursor, long folders virtualised), breadcrumbs,
// the selected file's details (file in the URL), uploads with progress, new
// folders, move/rename and delete (one or many).
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { Download, File as FileIcon, Folder, FolderPlus, MoveRight, Trash2, Upload, X } from "lucide-react";
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type DragEvent, type ReactNode } from "react";
import { z } from "zod";
import { api, call, sessionHeaders, type Repository, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ConfirmDialog, CopyButton, Dialog, Field, ProblemMessage, formatBytes, formatDate, problemText, runBulk, useToast, useZodForm, type BulkFailure } from "../../ui";
import { baseName, breadcrumbs, fileUrl, folderUrl, joinPath, movePathProblem, nameProblem, normalizePath, parentOf } from "./paths";
import { findConflicts, itemPercent, overallProgress, UploadQueue, xhrSender, type UploadItem } from "./upload-queue";
import VirtualBody from "./virtual-body";

type FileEntry = Schema<"FileEntry">;

const LIST = "/api/v1/repositories/{name}/files" as const;
const DETAILS = "/api/v1/repositories/{name}/files/details" as const;
/** The API's largest page: a folder of a few thousand entries is a few requests. */
const PAGE_SIZE = 1000;
/** Above this many rows only the visible ones are rendered. */
const VIRTUAL_FROM = 200;



export function FilesBrowser({ repo }: { repo: Repository }) {
  const search = useSearch({ from: "/repositories/$name" });
  const navigate = useNavigate({ from: "/repositories/$name" });
  const { user } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const folder = normalizePath(search.path);
  const file = search.file ? normalizePath(search.file) : undefined;
  const canWrite = !!user && repo.access !== "read";

  const list = $api.useInfiniteQuery(
    "get",
    LIST,
    { params: { path: { name: repo.name }, query: { path: folder, limit: PAGE_SIZE } } },
    { pageParamName: "cursor", initialPageParam: "", getNextPageParam: (last) => last.nextCursor || undefined },
  );
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  const refresh = () => qc.invalidateQueries({ queryKey: ["get", LIST] }).then(() => qc.invalidateQueries({ queryKey: ["get", DETAILS] }));

  // Selection belongs to the folder on screen.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [folder]);

  const [dialog, setDialog] = useState<
    | { kind: "folder" }
    | { kind: "move"; entry: Pick<FileEntry, "path" | "folder"> }
    | { kind: "delete"; entry: Pick<FileEntry, "path" | "folder"> }
    | { kind: "bulk"; paths: string[] }
    | { kind: "overwrite"; files: File[]; names: string[] }
    | null
  >(null);
  const [bulkFailures, setBulkFailures] = useState<BulkFailure<string>[]>([]);

  const goFolder = (p: string) => navigate({ search: (s) => ({ ...s, path: p || undefined, file: undefined }) });
  const openFile = (p: string | undefined) => navigate({ search: (s) => ({ ...s, file: p }) });

  // --- uploads ---
  const hooks = useRef({ refresh, toast });
  hooks.current = { refresh, toast };
  const [queue] = useState(
    () =>
      new UploadQueue(
        xhrSender((it) => folderUrl(repo.name, it.folder), sessionHeaders),
        {
          onSettled: (it) => it.status === "done" && void hooks.current.refresh(),
          onIdle: (batch) => {
            const ok = batch.filter((i) => i.status === "done");
            if (ok.length) hooks.current.toast.success(ok.length === 1 ? `Uploaded ${ok[0].name}` : `Uploaded ${ok.length} files`);
            for (const f of batch.filter((i) => i.status === "failed")) hooks.current.toast.error(`${f.name}: ${f.error}`);
          },
        },
      ),
  );
  const uploads = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const picker = useRef<HTMLInputElement>(null);

  const startUpload = (files: File[]) => {
    if (!files.length) return;
    const existing = (rows ?? []).filter((r) => !r.folder).map((r) => r.name);
    const names = findConflicts(files, existing);
    if (names.length) setDialog({ kind: "overwrite", files, names });
    else queue.add(files, folder);
  };

  const [dragging, setDragging] = useState(0);
  const dropProps = canWrite
    ? {
        onDragEnter: (e: DragEvent) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          setDragging((n) => n + 1);
        },
        onDragOver: (e: DragEvent) => {
          if (e.dataTransfer.types.includes("Files")) e.preventDefault();
        },
        onDragLeave: () => setDragging((n) => Math.max(0, n - 1)),
        onDrop: (e: DragEvent) => {
          e.preventDefault();
          setDragging(0);
          const items = Array.from(e.dataTransfer.items ?? []);
          // A dropped folder arrives as an unreadable File; only files go up.
          const dirs = items.filter((i) => i.webkitGetAsEntry?.()?.isDirectory).length;
          if (dirs) toast.error("Folders cannot be dropped: create the folder, then drop its files into it.");
          const files = items.length
            ? items.filter((i) => i.kind === "file" && !i.webkitGetAsEntry?.()?.isDirectory).map((i) => i.getAsFile()!).filter(Boolean)
            : Array.from(e.dataTransfer.files);
          startUpload(files);
        },
      }
    : {};

  const deletePath = (path: string) => call(api.DELETE(DELETE_PATH, { params: { path: { name: repo.name }, query: { path } } }));

  const crumbs = breadcrumbs(repo.name, folder);
  const entries = rows ?? [];
  const allSelected = entries.length > 0 && entries.every((e) => selected.has(e.path));
  const toggle = (p: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });

  return (
    <section className="files-view" aria-label="Files">
      <div className="files-toolbar">
        <nav aria-label="Folder path" className="files-crumbs">
          {crumbs.map((c, i) => (
            <span key={c.path}>
              {i > 0 && <span className="muted"> / </span>}
              {i === crumbs.length - 1 ? (
                <strong aria-current="page">{c.name}</strong>
              ) : (
                <Link from="/repositories/$name" search={(s) => ({ ...s, path: c.path || undefined, file: undefined })}>
                  {c.name}
                </Link>
              )}
            </span>
          ))}
        </nav>
        {canWrite && (
          <div className="buttons">
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              aria-label="Files to upload"
              onChange={(e) => {
                startUpload(Array.from(e.target.files ?? []));
                e.target.value = "";
              }}
            />
            <Button onClick={() => setDialog({ kind: "folder" })}>
              <FolderPlus size={14} aria-hidden /> New folder
            </Button>
            <Button variant="primary" onClick={() => picker.current?.click()}>
              <Upload size={14} aria-hidden /> Upload
            </Button>
          </div>
        )}
      </div>

      {uploads.length > 0 && <UploadPanel items={uploads} onCancel={(id) => queue.cancel(id)} onClear={() => queue.clearFinished()} />}

      <div className={file ? "files-split with-details" : "files-split"}>
        <div className={dragging ? "files-drop dragging" : "files-drop"} {...dropProps}>
          {dragging > 0 && (
            <div className="files-drop-hint" aria-hidden>
              Drop to upload to /{folder}
            </div>
          )}
          {selected.size > 0 && (
            <div className="bulk-bar" role="region" aria-label="Bulk actions">
              <span>{selected.size} selected</span>
              <Button variant="danger" size="small" onClick={() => setDialog({ kind: "bulk", paths: entries.filter((e) => selected.has(e.path)).map((e) => e.path) })}>
                <Trash2 size={14} aria-hidden /> Delete selected
              </Button>
              <Button variant="ghost" size="small" onClick={() => setSelected(new Set())}>
                Clear selection
              </Button>
            </div>
          )}
          {bulkFailures.length > 0 && (
            <div className="error" role="alert">
              <p>Not deleted:</p>
              <ul>
                {bulkFailures.map((f) => (
                  <li key={f.item}>
                    {f.item}: {problemText(f.error).text}
                  </li>
                ))}
              </ul>
              <Button size="small" variant="ghost" onClick={() => setBulkFailures([])}>
                Dismiss
              </Button>
            </div>
          )}
          <ProblemMessage error={list.error} />
          {list.error && folder && (
            <p>
              <Link from="/repositories/$name" search={(s) => ({ ...s, path: undefined, file: undefined })}>
                Back to the top folder
              </Link>
            </p>
          )}
          {!list.error && (
            <FileTable
              rows={rows}
              folder={folder}
              selectedFile={file}
              canWrite={canWrite}
              selected={selected}
              allSelected={allSelected}
              onToggle={toggle}
              onToggleAll={() => setSelected(allSelected ? new Set() : new Set(entries.map((e) => e.path)))}
              onMove={(entry) => setDialog({ kind: "move", entry })}
              onDelete={(entry) => setDialog({ kind: "delete", entry })}
              empty={
                folder ? (
                  <p>This folder is empty.{canWrite ? " Drop files here or use Upload." : ""}</p>
                ) : (
                  <p>
                    No files yet.{canWrite ? " Drop files here or use Upload;" : ""} the Connect button shows how to upload with curl.
                  </p>
                )
              }
            />
          )}
          {list.hasNextPage && (
            <div className="pager">
              <Button onClick={() => list.fetchNextPage()} busy={list.isFetchingNextPage}>
                Load more
              </Button>
              <span className="muted">{entries.length} shown</span>
            </div>
          )}
        </div>
        {file && (
          <FileDetails
            repo={repo}
            path={file}
            canWrite={canWrite}
            onClose={() => openFile(undefined)}
            onMove={(entry) => setDialog({ kind: "move", entry })}
            onDelete={(entry) => setDialog({ kind: "delete", entry })}
          />
        )}
      </div>

      {dialog?.kind === "folder" && (
        <NewFolderDialog
          repo={repo.name}
          folder={folder}
          onClose={() => setDialog(null)}
          onDone={(name) => {
            setDialog(null);
            toast.success(`Created folder ${name}`);
            void refresh();
          }}
        />
      )}
      {dialog?.kind === "move" && (
        <MoveDialog
          repo={repo.name}
          from={dialog.entry.path}
          folder={dialog.entry.folder}
          onClose={() => setDialog(null)}
          onDone={(to) => {
            setDialog(null);
            toast.success(`Moved ${baseName(dialog.entry.path)} to ${to}`);
            void refresh();
            if (file === dialog.entry.path) openFile(dialog.entry.folder ? undefined : to);
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={dialog.entry.folder ? "Delete folder" : "Delete file"}
          message={
            dialog.entry.folder
              ? `Delete the folder ${dialog.entry.path} and everything in it? This cannot be undone.`
              : `Delete ${dialog.entry.path}? This cannot be undone.`
          }
          typedName={dialog.entry.folder ? baseName(dialog.entry.path) : undefined}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const { path } = dialog.entry;
            await deletePath(path);
            setDialog(null);
            toast.success(`Deleted ${path}`);
            if (file && (file === path || file.startsWith(`${path}/`))) openFile(undefined);
            if (folder === path || folder.startsWith(`${path}/`)) goFolder(parentOf(path));
            void refresh();
          }}
        />
      )}
      {dialog?.kind === "bulk" && (
        <ConfirmDialog
          title="Delete selected"
          message={`Delete ${dialog.paths.length} item${dialog.paths.length === 1 ? "" : "s"} (folders with everything in them)? This cannot be undone.`}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const res = await runBulk(dialog.paths, deletePath);
            setDialog(null);
            setSelected(new Set(res.failed.map((f) => f.item)));
            setBulkFailures(res.failed);
            if (res.ok.length) toast.success(`Deleted ${res.ok.length} item${res.ok.length === 1 ? "" : "s"}`);
            if (res.failed.length) toast.error(`${res.failed.length} could not be deleted`);
            if (file && res.ok.some((p) => file === p || file.startsWith(`${p}/`))) openFile(undefined);
            void refresh();
          }}
        />
      )}
      {dialog?.kind === "overwrite" && (
        <ConfirmDialog
          title="Replace existing files?"
          message={
            <>
              {dialog.names.length === 1 ? `${dialog.names[0]} already exists` : `${dialog.names.join(", ")} already exist`} in /{folder}. Replace{" "}
              {dialog.names.length === 1 ? "it" : "them"}? Cancel uploads nothing.
            </>
          }
          confirmLabel="Replace"
          onClose={() => setDialog(null)}
          onConfirm={() => {
            queue.add(dialog.files, folder, new Set(dialog.names));
            setDialog(null);
          }}
        />
      )}
    </section>
  );
}

const DELETE_PATH = LIST;

function UploadPanel({ items, onCancel, onClear }: { items: readonly UploadItem[]; onCancel: (id: number) => void; onClear: () => void }) {
  const total = overallProgress(items);
  return (
    <div className="files-uploads" role="region" aria-label="Uploads">
      <div className="files-uploads-head">
        <span>
          {total.active ? `Uploading ${total.active} file${total.active === 1 ? "" : "s"}` : "Uploads finished"} · {formatBytes(total.loaded)} of {formatBytes(total.total)}
        </span>
        <progress max={100} value={total.percent} aria-label="Overall upload progress" />
        <span className="files-pct" data-testid="overall-percent">
          {total.percent}%
        </span>
        {!total.active && (
          <Button size="small" variant="ghost" onClick={onClear}>
            Clear
          </Button>
        )}
      </div>
      <ul>
        {items.map((i) => (
          <li key={i.id} data-status={i.status}>
            <span className="files-up-name" title={i.name}>
              {i.name}
            </span>
            <progress max={100} value={itemPercent(i)} aria-label={`Upload progress of ${i.name}`} />
            <span className={i.status === "failed" ? "files-up-state fail" : "files-up-state"}>
              {i.status === "uploading" ? `${itemPercent(i)}%` : i.status === "queued" ? "waiting" : i.status === "done" ? "done" : i.status === "canceled" ? "cancelled" : i.error}
            </span>
            {(i.status === "queued" || i.status === "uploading") && (
              <Button size="small" variant="ghost" aria-label={`Cancel ${i.name}`} onClick={() => onCancel(i.id)}>
                <X size={14} aria-hidden />
              </Button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

type TableProps = {
  rows: FileEntry[] | undefined;
  folder: string;
  selectedFile?: string;
  canWrite: boolean;
  selected: Set<string>;
  allSelected: boolean;
  onToggle: (path: string) => void;
  onToggleAll: () => void;
  onMove: (e: FileEntry) => void;
  onDelete: (e: FileEntry) => void;
  empty: ReactNode;
};

function FileTable(p: TableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const cols = p.canWrite ? 5 : 3;
  const row = (e: FileEntry) => (
    <tr key={e.path} aria-selected={p.canWrite ? p.selected.has(e.path) : undefined} className={e.path === p.selectedFile ? "selected" : undefined}>
      {p.canWrite && (
        <td className="files-check">
          <input type="checkbox" aria-label={`Select ${e.name}`} checked={p.selected.has(e.path)} onChange={() => p.onToggle(e.path)} />
        </td>
      )}
      <td className="files-name">
        <Link from="/repositories/$name" search={(s) => (e.folder ? { ...s, path: e.path, file: undefined } : { ...s, file: e.path })}>
          {e.folder ? <Folder size={16} aria-hidden className="files-folder-icon" /> : <FileIcon size={16} aria-hidden />}
          <span>{e.name}</span>
        </Link>
      </td>
      <td className="right muted nowrap">{e.folder ? "—" : formatBytes(e.size)}</td>
      <td className="muted nowrap files-modified">{formatDate(e.modifiedAt)}</td>
      {p.canWrite && (
        <td className="files-actions nowrap">
          <Button size="small" variant="ghost" aria-label={`Move ${e.name}`} title="Move or rename" onClick={() => p.onMove(e)}>
            <MoveRight size={14} aria-hidden />
          </Button>
          <Button size="small" variant="ghost" aria-label={`Delete ${e.name}`} title="Delete" onClick={() => p.onDelete(e)}>
            <Trash2 size={14} aria-hidden />
          </Button>
        </td>
      )}
    </tr>
  );
  let body: ReactNode;
  if (!p.rows) {
    body = (
      <tbody>
        {Array.from({ length: 5 }, (_, i) => (
          <tr key={i} className="skeleton-row" aria-hidden>
            {Array.from({ length: cols }, (_, j) => (
              <td key={j}>
                <span className="skeleton" />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    );
  } else if (p.rows.length === 0) {
    body = (
      <tbody>
        <tr>
          <td colSpan={cols} className="table-state">
            <div data-state="empty">{p.empty}</div>
          </td>
        </tr>
      </tbody>
    );
  } else if (p.rows.length >= VIRTUAL_FROM) {
    body = (
      <VirtualBody count={p.rows.length} colCount={cols} scrollRef={scrollRef} renderRow={(i) => row(p.rows![i])} />
    );
  } else {
    body = <tbody>{p.rows.map(row)}</tbody>;
  }
  const long = (p.rows?.length ?? 0) >= VIRTUAL_FROM;
  return (
    <div className={long ? "table-scroll files-long" : "table-scroll"} ref={scrollRef}>
      <table aria-label="Files" aria-busy={!p.rows || undefined}>
        <thead>
          <tr>
            {p.canWrite && (
              <th className="files-check">
                <input type="checkbox" aria-label="Select all in this folder" checked={p.allSelected} disabled={!p.rows?.length} onChange={p.onToggleAll} />
              </th>
            )}
            <th>Name</th>
            <th className="right">Size</th>
            <th className="files-modified">Modified</th>
            {p.canWrite && (
              <th>
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        {body}
      </table>
    </div>
  );
}

const CHECKSUMS = [
  ["sha256", "SHA-256"],
  ["sha1", "SHA-1"],
  ["md5", "MD5"],
] as const;

function FileDetails(props: {
  repo: Repository;
  path: string;
  canWrite: boolean;
  onClose: () => void;
  onMove: (e: Pick<FileEntry, "path" | "folder">) => void;
  onDelete: (e: Pick<FileEntry, "path" | "folder">) => void;
}) {
  const { repo, path } = props;
  const { user, baseUrl } = useAuth();
  const d = $api.useQuery("get", DETAILS, { params: { path: { name: repo.name }, query: { path } } });
  const f = d.data;
  const url = f?.downloadUrl || fileUrl(repo.name, path);
  const origin = baseUrl || window.location.origin;
  const auth = repo.visibility === "private" ? `-u ${user?.username ?? "<username>"}:<token> ` : "";
  return (
    <aside className="details files-details" aria-label="File details">
      <div className="files-details-head">
        <h3>
          {f?.folder ? <Folder size={16} aria-hidden /> : <FileIcon size={16} aria-hidden />} {baseName(path)}
        </h3>
        <Button size="small" variant="ghost" aria-label="Close details" onClick={props.onClose}>
          <X size={14} aria-hidden />
        </Button>
      </div>
      <ProblemMessage error={d.error} />
      {!f && !d.error && <span className="skeleton" aria-busy />}
      {f && (
        <>
          <div className="buttons files-details-actions">
            {!f.folder && (
              <a className="button primary" href={url} download={f.name}>
                <Download size={14} aria-hidden /> Download
              </a>
            )}
            {props.canWrite && (
              <>
                <Button onClick={() => props.onMove(f)}>
                  <MoveRight size={14} aria-hidden /> Move
                </Button>
                <Button variant="danger" onClick={() => props.onDelete(f)}>
                  <Trash2 size={14} aria-hidden /> Delete
                </Button>
              </>
            )}
          </div>
          <dl className="meta">
            <dt>Path</dt>
            <dd>{f.path}</dd>
            <dt>Size</dt>
            <dd>
              {formatBytes(f.size)}
              {f.size >= 1024 && <span className="muted"> ({f.size.toLocaleString("en")} bytes)</span>}
            </dd>
            {f.contentType && (
              <>
                <dt>Type</dt>
                <dd>{f.contentType}</dd>
              </>
            )}
            {CHECKSUMS.map(([k, label]) =>
              f[k] ? (
                <div className="row" key={k}>
                  <dt>{label}</dt>
                  <dd className="files-sum">
                    <code data-checksum={k}>{f[k]}</code>
                    <CopyButton text={f[k]!} label={`Copy ${label}`} />
                  </dd>
                </div>
              ) : null,
            )}
            <dt>Uploaded</dt>
            <dd>
              {formatDate(f.createdAt)}
              {f.uploadedBy ? ` by ${f.uploadedBy}` : ""}
            </dd>
            <dt>Modified</dt>
            <dd>{formatDate(f.modifiedAt)}</dd>
          </dl>
          {!f.folder && (
            <div className="files-curl">
              <code>{`curl -fO ${auth}${origin}${url}`}</code>
              <CopyButton text={`curl -fO ${auth}${origin}${url}`} label="Copy command" />
            </div>
          )}
        </>
      )}
    </aside>
  );
}

const folderSchema = z.object({ name: z.string().superRefine((v, ctx) => {
  const p = nameProblem(v);
  if (p) ctx.addIssue({ code: "custom", message: p });
}) });

function NewFolderDialog({ repo, folder, onClose, onDone }: { repo: string; folder: string; onClose: () => void; onDone: (path: string) => void }) {
  const form = useZodForm(folderSchema, { defaultValues: { name: "" } });
  const save = form.handleSubmit(async ({ name }) => {
    const path = joinPath(folder, name.trim());
    const r = await fetch(folderUrl(repo, path), { method: "PUT", credentials: "same-origin", headers: sessionHeaders() });
    if (!r.ok) throw await problemOf(r);
    onDone(path);
  });
  return (
    <Dialog title="New folder" description={`Inside /${folder}`} onClose={onClose} onSubmit={save} submitLabel="Create">
      <Field label="Folder name" error={form.formState.errors.name}>
        <input autoFocus autoComplete="off" spellCheck={false} {...form.register("name")} />
      </Field>
    </Dialog>
  );
}

/** The problem body of a failed raw-protocol answer (or its status line). */
async function problemOf(r: Response): Promise<unknown> {
  const text = await r.text();
  try {
    return JSON.parse(text);
  } catch {
    return { status: r.status, detail: text.trim().slice(0, 200) || `HTTP ${r.status} ${r.statusText}` };
  }
}

function MoveDialog({ repo, from, folder, onClose, onDone }: { repo: string; from: string; folder: boolean; onClose: () => void; onDone: (to: string) => void }) {
  const schema = useMemo(
    () =>
      z.object({
        to: z.string().superRefine((v, ctx) => {
          const p = movePathProblem(from, v);
          if (p) ctx.addIssue({ code: "custom", message: p });
        }),
      }),
    [from],
  );
  const form = useZodForm(schema, { defaultValues: { to: from } });
  const save = form.handleSubmit(async ({ to }) => {
    const dest = normalizePath(to);
    await call(api.POST("/api/v1/repositories/{name}/files/move", { params: { path: { name: repo } }, body: { from, to: dest } }));
    onDone(dest);
  });
  return (
    <Dialog title={folder ? "Move folder" : "Move or rename"} description={`From /${from}; folders above the destination are created.`} onClose={onClose} onSubmit={save} submitLabel="Move">
      <Field label="New path" error={form.formState.errors.to}>
        <input autoFocus autoComplete="off" spellCheck={false} {...form.register("to")} />
      </Field>
    </Dialog>
  );
}
