// The content view of a pypi repository: packages (paged, filtered), a
// package's versions (highest first, yank state, bulk delete) and a
// version page with Details (metadata, the long description rendered
// safely: markdown through the kit's renderer, anything else as text) and
// Files (downloads, sha256).
import { keepPreviousData, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { lazy, Suspense, useMemo, useState, type ReactNode } from "react";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import * as z from "zod/mini";
import { api, call, type Repository, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ConfirmDialog, CopyButton, DataTable, Dialog, Field, ProblemMessage, Tabs, formatBytes, formatDate, pageToRange, runBulk, type BulkResult, useTableSearch, useToast, type ColumnDef } from "../../ui";
import { BulkReport } from "../../ui/bulk-report";
import { CommandLine } from "../../ui/command-line";
import { UrlFilter, useClearFilter } from "../../ui/url-filter";
import { yankSchema, fileKind, indexUrl, packageSort, pipInstall, versionTab, webLink, type VersionTab } from "./views";

const LongText = lazy(() => import("../../ui/markdown"));

type Pkg = Schema<"PypiPackage">;
type Version = Schema<"PypiVersion">;
type Details = Schema<"PypiVersionDetails">;
type PyFile = Schema<"PypiFile">;

const versionsPath = "/api/v1/repositories/{name}/pypi/packages/{project}/versions";
const versionPath = "/api/v1/repositories/{name}/pypi/packages/{project}/versions/{version}";

export function PypiContent({ repo }: { repo: Repository }) {
  const s = useSearch({ from: "/repositories/$name" });
  const { baseUrl } = useAuth();
  const index = indexUrl(baseUrl || window.location.origin, repo.name);
  return (
    <section className="panel pypi">
      <nav className="crumbs" aria-label="Breadcrumbs">
        <Link to="/repositories/$name" params={{ name: repo.name }} search={{}}>
          Packages
        </Link>
        {s.project && (
          <>
            {" / "}
            <Link to="/repositories/$name" params={{ name: repo.name }} search={{ project: s.project }}>
              {s.project}
            </Link>
          </>
        )}
        {s.project && s.version && <> / {s.version}</>}
      </nav>
      {!s.project && <PackageList repo={repo} index={index} />}
      {s.project && !s.version && <VersionList repo={repo} project={s.project} />}
      {s.project && s.version && <VersionPage repo={repo} project={s.project} version={s.version} tab={s.tab} />}
    </section>
  );
}

function PackageList({ repo, index }: { repo: Repository; index: string }) {
  const s = useSearch({ from: "/repositories/$name" });
  const table = useTableSearch();
  const clearFilter = useClearFilter();
  const sort = packageSort(s.sort);
  const q = $api.useQuery(
    "get",
    "/api/v1/repositories/{name}/pypi/packages",
    { params: { path: { name: repo.name }, query: { q: s.q, sort, ...pageToRange(s.page) } } },
    { placeholderData: keepPreviousData },
  );
  const columns = useMemo<ColumnDef<Pkg, unknown>[]>(
    () => [
      {
        id: "name",
        header: "Package",
        cell: ({ row }) => (
          <Link to="/repositories/$name" params={{ name: repo.name }} search={{ project: row.original.normalizedName }} className="strong">
            {row.original.name}
          </Link>
        ),
      },
      { id: "latest", header: "Latest", enableSorting: false, cell: ({ row }) => <span className="mono">{row.original.latestVersion}</span> },
      { id: "versions", header: "Versions", enableSorting: false, cell: ({ row }) => row.original.versionCount },
      { id: "size", header: "Size", enableSorting: false, cell: ({ row }) => <span className="nowrap">{formatBytes(row.original.size)}</span> },
      { id: "updated", header: "Updated", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.updatedAt)}</span> },
    ],
    [repo.name],
  );
  return (
    <>
      <p className="muted">
        Index URL: <span className="mono">{index}</span> <CopyButton text={index} label="Copy index URL" className="small ghost" />
      </p>
      <div className="filters">
        <UrlFilter label="Filter packages" />
      </div>
      <ProblemMessage error={q.error} />
      <DataTable
        label="Packages"
        columns={columns}
        rows={q.data?.items ?? (q.error ? [] : undefined)}
        total={q.data?.total ?? 0}
        getRowId={(p) => p.normalizedName}
        loading={q.isFetching}
        {...table}
        sort={sort}
        filtered={!!s.q}
        onClearFilters={clearFilter}
        empty={
          <>
            <p>No packages yet.</p>
            <p className="muted">Use Connect above for the pip and twine settings, then upload with twine.</p>
          </>
        }
      />
    </>
  );
}

function YankedBadge({ v }: { v: { yanked: boolean; yankedReason?: string } }) {
  if (!v.yanked) return null;
  return (
    <span className="badge fail" title={v.yankedReason || "yanked"}>
      yanked{v.yankedReason ? `: ${v.yankedReason}` : ""}
    </span>
  );
}

function VersionList({ repo, project }: { repo: Repository; project: string }) {
  const s = useSearch({ from: "/repositories/$name" });
  const table = useTableSearch();
  const { user } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const canWrite = !!user && repo.access !== "read";
  const q = $api.useQuery(
    "get",
    versionsPath,
    { params: { path: { name: repo.name, project }, query: pageToRange(s.page) } },
    { placeholderData: keepPreviousData },
  );
  const [deleting, setDeleting] = useState<{ versions: Version[]; clear: () => void } | null>(null);
  const [failures, setFailures] = useState<BulkResult<Version> | null>(null);
  const columns = useMemo<ColumnDef<Version, unknown>[]>(
    () => [
      {
        id: "version",
        header: "Version",
        cell: ({ row }) => (
          <>
            <Link to="/repositories/$name" params={{ name: repo.name }} search={{ project, version: row.original.version }} className="strong">
              {row.original.version}
            </Link>{" "}
            <YankedBadge v={row.original} />
          </>
        ),
      },
      { id: "files", header: "Files", cell: ({ row }) => row.original.fileCount },
      { id: "size", header: "Size", cell: ({ row }) => <span className="nowrap">{formatBytes(row.original.size)}</span> },
      { id: "uploaded", header: "Uploaded", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.uploadedAt)}</span> },
      { id: "by", header: "By", cell: ({ row }) => <span className="muted">{row.original.uploadedBy ?? "—"}</span> },
    ],
    [repo.name, project],
  );
  const remove = async (versions: Version[], clear: () => void) => {
    const r = await runBulk(versions, (v) => call(api.DELETE(versionPath, { params: { path: { name: repo.name, project, version: v.version } } })));
    setDeleting(null);
    clear();
    setFailures(r);
    if (r.ok.length) toast.success(r.ok.length === 1 ? `Deleted ${project} ${r.ok[0].version}` : `Deleted ${r.ok.length} versions of ${project}`);
    if (r.failed.length) toast.error(`${r.failed.length} of ${versions.length} versions could not be deleted`);
    await qc.invalidateQueries({ queryKey: ["get", versionsPath] });
    await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories/{name}/pypi/packages"] });
  };
  return (
    <>
      <CommandLine text={pipInstall(project)} label="Copy install command" />
      <ProblemMessage error={q.error} />
      <BulkReport result={failures} name={(v) => v.version} onDismiss={() => setFailures(null)} />
      <DataTable
        label="Versions"
        columns={columns}
        rows={q.data?.items ?? (q.error ? [] : undefined)}
        total={q.data?.total ?? 0}
        getRowId={(v) => v.version}
        loading={q.isFetching}
        page={table.page}
        onPage={table.onPage}
        empty={<p>This package has no versions left.</p>}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <Button variant="danger" size="small" onClick={() => setDeleting({ versions: selected, clear })}>
                  Delete {selected.length === 1 ? "version" : `${selected.length} versions`}
                </Button>
              )
            : undefined
        }
      />
      {deleting && (
        <ConfirmDialog
          title={deleting.versions.length === 1 ? `Delete ${project} ${deleting.versions[0].version}?` : `Delete ${deleting.versions.length} versions of ${project}?`}
          message={`${deleting.versions.map((v) => v.version).join(", ")} and their files. The file names can never be uploaded again.`}
          typedName={project}
          onConfirm={() => remove(deleting.versions, deleting.clear)}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function VersionPage({ repo, project, version, tab }: { repo: Repository; project: string; version: string; tab?: string }) {
  const navigate = useNavigate({ from: "/repositories/$name" });
  const { user } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const canWrite = !!user && repo.access !== "read";
  const path = { name: repo.name, project, version };
  const q = $api.useQuery("get", versionPath, { params: { path } });
  const [dialog, setDialog] = useState<"yank" | "delete" | PyFile | null>(null);
  const v = q.data;
  const current = versionTab(tab);
  const setTab = (t: VersionTab) => void navigate({ search: (prev) => ({ ...prev, tab: t === "details" ? undefined : t }), replace: true });
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ["get", versionPath] });
    await qc.invalidateQueries({ queryKey: ["get", versionsPath] });
    await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories/{name}/pypi/packages"] });
  };
  const unyank = async () => {
    try {
      await call(api.PATCH(versionPath, { params: { path }, body: { yanked: false } }));
      toast.success(`${project} ${version} is installable again`);
      await refresh();
    } catch (e) {
      toast.error(e);
    }
  };
  const removeVersion = async () => {
    await call(api.DELETE(versionPath, { params: { path } }));
    setDialog(null);
    toast.success(`Deleted ${project} ${version}`);
    await refresh();
    void navigate({ search: { project } });
  };
  const removeFile = async (f: PyFile) => {
    await call(api.DELETE(`${versionPath}/files/{filename}`, { params: { path: { ...path, filename: f.filename } } }));
    setDialog(null);
    toast.success(`Deleted ${f.filename}`);
    await refresh();
    // The version goes with its last file.
    if (v && v.files.length <= 1) void navigate({ search: { project } });
  };
  return (
    <div className="pypi-version">
      <ProblemMessage error={q.error} />
      {!v && !q.error && <p className="skeleton block" aria-busy="true" aria-label="Loading the version" />}
      {v && (
        <>
          <div className="version-head">
            <h2 className="version-title">
              {v.project} <span className="muted">{v.version}</span> <YankedBadge v={v} />
            </h2>
            {canWrite && (
              <div className="buttons">
                {v.yanked ? (
                  <Button size="small" onClick={unyank}>
                    Unyank
                  </Button>
                ) : (
                  <Button size="small" onClick={() => setDialog("yank")}>
                    Yank…
                  </Button>
                )}
                <Button size="small" variant="danger" onClick={() => setDialog("delete")}>
                  Delete version…
                </Button>
              </div>
            )}
          </div>
          {v.summary && <p>{v.summary}</p>}
          <CommandLine text={pipInstall(v.normalizedName, v.version)} label="Copy install command" />
          <Tabs
            label="Version"
            value={current}
            onChange={setTab}
            items={[
              { value: "details", label: "Details", content: <VersionDetails v={v} /> },
              { value: "files", label: `Files (${v.files.length})`, content: <Files v={v} canWrite={canWrite} onDelete={(f) => setDialog(f)} /> },
            ]}
          />
        </>
      )}
      {dialog === "yank" && <YankDialog project={project} version={version} onClose={() => setDialog(null)} onDone={refresh} path={path} />}
      {dialog === "delete" && (
        <ConfirmDialog
          title={`Delete ${project} ${version}?`}
          message="The version and all its files. Their file names can never be uploaded again; yanking keeps them installable for pinned users."
          typedName={version}
          onConfirm={removeVersion}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog && typeof dialog === "object" && (
        <ConfirmDialog title={`Delete ${dialog.filename}?`} message="Its name can never be uploaded again." onConfirm={() => removeFile(dialog)} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}


function YankDialog({ project, version, path, onClose, onDone }: { project: string; version: string; path: { name: string; project: string; version: string }; onClose: () => void; onDone: () => Promise<void> }) {
  const toast = useToast();
  // zod/mini (the full zod would land in the initial bundle); the kit's
  // useZodForm is typed for the full zod, so the resolver is set here.
  const form = useForm<z.input<typeof yankSchema>, unknown, z.output<typeof yankSchema>>({ resolver: zodResolver(yankSchema), defaultValues: { reason: "" } });
  const submit = () =>
    new Promise<void>((resolve, reject) => {
      void form.handleSubmit(async ({ reason }) => {
        try {
          await call(api.PATCH(versionPath, { params: { path }, body: { yanked: true, yankedReason: reason || undefined } }));
          toast.success(`Yanked ${project} ${version}`);
          onClose();
          await onDone();
          resolve();
        } catch (e) {
          reject(e);
        }
      }, () => resolve())();
    });
  return (
    <Dialog title={`Yank ${project} ${version}?`} description="pip skips a yanked version unless it is pinned exactly (PEP 592)." onClose={onClose} onSubmit={submit} submitLabel="Yank" submitVariant="danger">
      <Field label="Reason (shown by pip)" error={form.formState.errors.reason}>
        <input {...form.register("reason")} autoComplete="off" />
      </Field>
    </Dialog>
  );
}

function VersionDetails({ v }: { v: Details }) {
  const person = (name: string, email: string) =>
    name || email ? (
      <>
        {name} {email && <span className="muted">{email}</span>}
      </>
    ) : null;
  const author = person(v.author, v.authorEmail);
  const maintainer = person(v.maintainer, v.maintainerEmail);
  const home = webLink(v.homePage);
  return (
    <>
      <dl className="meta">
        <Meta label="Uploaded">
          {formatDate(v.uploadedAt)} {v.uploadedBy && <span className="muted">by {v.uploadedBy}</span>}
        </Meta>
        {author && <Meta label="Author">{author}</Meta>}
        {maintainer && <Meta label="Maintainer">{maintainer}</Meta>}
        {v.license && <Meta label="License">{v.license}</Meta>}
        {v.requiresPython && (
          <Meta label="Requires Python">
            <span className="mono">{v.requiresPython}</span>
          </Meta>
        )}
        {v.keywords && <Meta label="Keywords">{v.keywords}</Meta>}
        {v.homePage && <Meta label="Home page">{home ? <a href={home} rel="noopener noreferrer nofollow" target="_blank">{home}</a> : v.homePage}</Meta>}
        {v.projectUrls.map((u) => {
          const href = webLink(u.url);
          return (
            <Meta key={u.label + u.url} label={u.label || "URL"}>
              {href ? (
                <a href={href} rel="noopener noreferrer nofollow" target="_blank">
                  {u.url}
                </a>
              ) : (
                u.url
              )}
            </Meta>
          );
        })}
      </dl>
      {v.dependencies.length > 0 && (
        <>
          <h3>Dependencies</h3>
          <ul className="plain-list mono" aria-label="Dependencies">
            {v.dependencies.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </>
      )}
      {v.classifiers.length > 0 && (
        <>
          <h3>Classifiers</h3>
          <ul className="plain-list" aria-label="Classifiers">
            {v.classifiers.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Description</h3>
      {v.description ? (
        <Suspense fallback={<p className="skeleton block" />}>
          <LongText source={v.description} contentType={v.descriptionContentType} label="Description" />
        </Suspense>
      ) : (
        <p className="muted">No description was uploaded.</p>
      )}
    </>
  );
}

function Files({ v, canWrite, onDelete }: { v: Details; canWrite: boolean; onDelete: (f: PyFile) => void }) {
  return (
    <div className="table-scroll">
      <table aria-label="Files">
        <thead>
          <tr>
            <th>File</th>
            <th>Type</th>
            <th>Size</th>
            <th>SHA-256</th>
            <th>Uploaded</th>
            {canWrite && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {v.files.map((f) => (
            <tr key={f.filename}>
              <td>
                <a href={f.downloadUrl} download>
                  {f.filename}
                </a>
              </td>
              <td className="muted">{fileKind(f.type)}</td>
              <td className="nowrap">{formatBytes(f.size)}</td>
              <td className="nowrap">
                <span className="mono muted" title={f.sha256}>
                  {f.sha256.slice(0, 12)}…
                </span>{" "}
                <CopyButton text={f.sha256} label="Copy sha256" className="small ghost" />
              </td>
              <td className="muted nowrap">
                {formatDate(f.uploadedAt)} {f.uploadedBy}
              </td>
              {canWrite && (
                <td>
                  <Button size="small" variant="danger" onClick={() => onDelete(f)} aria-label={`Delete ${f.filename}`}>
                    Delete
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
