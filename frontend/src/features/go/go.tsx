// The content view of a Go repository: modules (paged, filtered), a
// module's versions (highest first, bulk delete) and a version page with
// its README (rendered safely), go.mod and files.
import { keepPreviousData, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { lazy, Suspense, useMemo, useState } from "react";
import { api, call, type Repository, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ConfirmDialog, DataTable, ProblemMessage, Tabs, formatBytes, formatDate, pageToRange, runBulk, type BulkResult, useTableSearch, useToast, type ColumnDef } from "../../ui";
import { BulkReport } from "../../ui/bulk-report";
import { CommandLine } from "../../ui/command-line";
import { UrlFilter, useClearFilter } from "../../ui/url-filter";
import { goGet, goTab, goproxyLine, moduleSort, shortCommit, sortFiles, type GoTab } from "./views";

const LongText = lazy(() => import("../../ui/markdown"));

type Module = Schema<"GoModule">;
type Version = Schema<"GoModuleVersion">;
type Detail = Schema<"GoModuleVersionDetail">;

const versionsPath = "/api/v1/repositories/{name}/go/modules/{module}/versions";
const versionPath = "/api/v1/repositories/{name}/go/modules/{module}/versions/{version}";

export function GoContent({ repo }: { repo: Repository }) {
  const s = useSearch({ from: "/repositories/$name" });
  return (
    <section className="panel go">
      <nav className="crumbs" aria-label="Breadcrumbs">
        <Link to="/repositories/$name" params={{ name: repo.name }} search={{}}>
          Modules
        </Link>
        {s.module && (
          <>
            {" / "}
            <Link to="/repositories/$name" params={{ name: repo.name }} search={{ module: s.module }}>
              {s.module}
            </Link>
          </>
        )}
        {s.module && s.version && <> / {s.version}</>}
      </nav>
      {!s.module && <ModuleList repo={repo} />}
      {s.module && !s.version && <VersionList repo={repo} module={s.module} />}
      {s.module && s.version && <VersionPage repo={repo} module={s.module} version={s.version} tab={s.tab} />}
    </section>
  );
}

function ModuleList({ repo }: { repo: Repository }) {
  const s = useSearch({ from: "/repositories/$name" });
  const table = useTableSearch();
  const clearFilter = useClearFilter();
  const sort = moduleSort(s.sort);
  const q = $api.useQuery(
    "get",
    "/api/v1/repositories/{name}/go/modules",
    { params: { path: { name: repo.name }, query: { q: s.q, sort, ...pageToRange(s.page) } } },
    { placeholderData: keepPreviousData },
  );
  const columns = useMemo<ColumnDef<Module, unknown>[]>(
    () => [
      {
        id: "name",
        header: "Module",
        cell: ({ row }) => (
          <Link to="/repositories/$name" params={{ name: repo.name }} search={{ module: row.original.path }} className="strong">
            {row.original.path}
          </Link>
        ),
      },
      { id: "latest", header: "Latest", enableSorting: false, cell: ({ row }) => <span className="mono">{row.original.latestVersion}</span> },
      { id: "versions", header: "Versions", enableSorting: false, cell: ({ row }) => row.original.versionCount },
      { id: "updated", header: "Updated", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.updatedAt)}</span> },
    ],
    [repo.name],
  );
  return (
    <>
      <div className="filters">
        <UrlFilter label="Filter modules" />
      </div>
      <ProblemMessage error={q.error} />
      <DataTable
        label="Modules"
        columns={columns}
        rows={q.data?.items ?? (q.error ? [] : undefined)}
        total={q.data?.total ?? 0}
        getRowId={(m) => m.path}
        loading={q.isFetching}
        {...table}
        sort={sort}
        filtered={!!s.q}
        onClearFilters={clearFilter}
        empty={
          <>
            <p>No modules yet.</p>
            <p className="muted">Use Connect above: push a semver tag with git, or set GOPROXY to fetch through this repository.</p>
          </>
        }
      />
    </>
  );
}

function VersionList({ repo, module }: { repo: Repository; module: string }) {
  const s = useSearch({ from: "/repositories/$name" });
  const table = useTableSearch();
  const { user } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const canWrite = !!user && repo.access !== "read";
  const info = $api.useQuery("get", "/api/v1/repositories/{name}/go/modules/{module}", { params: { path: { name: repo.name, module } } });
  const q = $api.useQuery("get", versionsPath, { params: { path: { name: repo.name, module }, query: pageToRange(s.page) } }, { placeholderData: keepPreviousData });
  const [deleting, setDeleting] = useState<{ versions: Version[]; clear: () => void } | null>(null);
  const [failures, setFailures] = useState<BulkResult<Version> | null>(null);
  const columns = useMemo<ColumnDef<Version, unknown>[]>(
    () => [
      {
        id: "version",
        header: "Version",
        cell: ({ row }) => (
          <Link to="/repositories/$name" params={{ name: repo.name }} search={{ module, version: row.original.version }} className="strong">
            {row.original.version}
          </Link>
        ),
      },
      { id: "time", header: "Time", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.time)}</span> },
      { id: "commit", header: "Commit", cell: ({ row }) => <span className="mono muted">{row.original.commit ? shortCommit(row.original.commit) : "upload"}</span> },
      { id: "size", header: "Size", cell: ({ row }) => <span className="nowrap">{formatBytes(row.original.size)}</span> },
      { id: "by", header: "By", cell: ({ row }) => <span className="muted">{row.original.createdBy || "—"}</span> },
    ],
    [repo.name, module],
  );
  const remove = async (versions: Version[], clear: () => void) => {
    const r = await runBulk(versions, (v) => call(api.DELETE(versionPath, { params: { path: { name: repo.name, module, version: v.version } } })));
    setDeleting(null);
    clear();
    setFailures(r);
    if (r.ok.length) toast.success(r.ok.length === 1 ? `Deleted ${module}@${r.ok[0].version}` : `Deleted ${r.ok.length} versions of ${module}`);
    if (r.failed.length) toast.error(`${r.failed.length} of ${versions.length} versions could not be deleted`);
    await qc.invalidateQueries({ queryKey: ["get", versionsPath] });
    await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories/{name}/go/modules"] });
  };
  return (
    <>
      <CommandLine text={goGet(module)} label="Copy go get" />
      {info.data && (
        <>
          <CommandLine text={goproxyLine(info.data.proxyUrl)} label="Copy GOPROXY" />
          {info.data.cloneUrl && <CommandLine text={`git clone ${info.data.cloneUrl}`} label="Copy clone command" />}
        </>
      )}
      <ProblemMessage error={q.error || info.error} />
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
        empty={<p>This module has no versions left.</p>}
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
          title={deleting.versions.length === 1 ? `Delete ${module}@${deleting.versions[0].version}?` : `Delete ${deleting.versions.length} versions of ${module}?`}
          message={`${deleting.versions.map((v) => v.version).join(", ")}. Builds that need them fail unless go.sum and a cache have them; a retract directive in a newer version is the gentler way. The git tags stay.`}
          typedName={module}
          onConfirm={() => remove(deleting.versions, deleting.clear)}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function VersionPage({ repo, module, version, tab }: { repo: Repository; module: string; version: string; tab?: string }) {
  const navigate = useNavigate({ from: "/repositories/$name" });
  const q = $api.useQuery("get", versionPath, { params: { path: { name: repo.name, module, version } } });
  const v = q.data;
  const current = goTab(tab);
  const setTab = (t: GoTab) => void navigate({ search: (prev) => ({ ...prev, tab: t === "overview" ? undefined : t }), replace: true });
  return (
    <div className="go-version">
      <ProblemMessage error={q.error} />
      {!v && !q.error && <p className="skeleton block" aria-busy="true" aria-label="Loading the version" />}
      {v && (
        <>
          <h2 className="version-title">
            {v.module} <span className="muted">{v.version}</span>
          </h2>
          <CommandLine text={goGet(v.module, v.version)} label="Copy go get" />
          <Tabs
            label="Version"
            value={current}
            onChange={setTab}
            items={[
              { value: "overview", label: "Overview", content: <Overview v={v} /> },
              {
                value: "gomod",
                label: "go.mod",
                content: (
                  <pre className="long-text" aria-label="go.mod">
                    {v.goMod}
                  </pre>
                ),
              },
              { value: "files", label: `Files (${v.files.length})`, content: <FileList v={v} /> },
            ]}
          />
        </>
      )}
    </div>
  );
}

function Overview({ v }: { v: Detail }) {
  return (
    <>
      <dl className="meta">
        <div className="row">
          <dt>Time</dt>
          <dd>{formatDate(v.time)}</dd>
        </div>
        <div className="row">
          <dt>Hash (go.sum)</dt>
          <dd className="mono">{v.hash}</dd>
        </div>
        {v.commit && (
          <div className="row">
            <dt>Commit</dt>
            <dd className="mono">{v.commit}</dd>
          </div>
        )}
        <div className="row">
          <dt>Module zip</dt>
          <dd>
            <a href={v.zipUrl} download>
              {v.module.split("/").pop()}@{v.version}.zip
            </a>{" "}
            <span className="muted">{formatBytes(v.size)}</span>
          </dd>
        </div>
        <div className="row">
          <dt>Published</dt>
          <dd>
            {formatDate(v.createdAt)} {v.createdBy && <span className="muted">by {v.createdBy}</span>}
          </dd>
        </div>
      </dl>
      {v.requires.length > 0 && (
        <>
          <h3>Requirements</h3>
          <div className="table-scroll">
            <table aria-label="Requirements">
              <tbody>
                {v.requires.map((r) => (
                  <tr key={r.path}>
                    <td className="mono">{r.path}</td>
                    <td className="mono">{r.version}</td>
                    <td className="muted">{r.indirect ? "indirect" : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>README</h3>
      {v.readme ? (
        <Suspense fallback={<p className="skeleton block" />}>
          <LongText source={v.readme} contentType="text/markdown" label="README" />
        </Suspense>
      ) : (
        <p className="muted">This version has no README.</p>
      )}
    </>
  );
}

function FileList({ v }: { v: Detail }) {
  return (
    <div className="table-scroll">
      <table aria-label="Files">
        <thead>
          <tr>
            <th>Path</th>
            <th>Size</th>
          </tr>
        </thead>
        <tbody>
          {sortFiles(v.files).map((f) => (
            <tr key={f.path}>
              <td className="mono">{f.path}</td>
              <td className="nowrap">{formatBytes(f.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
