// The content view of a docker repository: its images (paged, filtered),
// an image's tags (paged with a prefix filter, newest pushed first, bulk
// delete) and a version page (manifest.tsx). Lists show what was recorded
// at push time; a manifest is read only on its own page.
import { keepPreviousData, useQueryClient } from "@tanstack/react-query";
import { Link, useSearch } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { api, call, type Repository, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ConfirmDialog, CopyButton, DataTable, ProblemMessage, formatBytes, formatDate, pageToRange, runBulk, type BulkResult, useTableSearch, useToast, type ColumnDef } from "../../ui";
import { BulkReport } from "../../ui/bulk-report";
import { CommandLine } from "../../ui/command-line";
import { UrlFilter, useClearFilter } from "../../ui/url-filter";
import { ManifestPage } from "./manifest";
import { imageLabel, imageParam, nameOrUpdatedSort, pullReference, registryHost, shortDigest, tagSort } from "./refs";

type Image = Schema<"DockerImage">;
type Tag = Schema<"DockerTag">;

export function DockerBrowser({ repo }: { repo: Repository }) {
  const s = useSearch({ from: "/repositories/$name" });
  const { baseUrl } = useAuth();
  const host = registryHost(baseUrl, window.location.host);
  const image = s.image;
  const version = s.tag || s.digest;
  return (
    <section className="panel containers">
      <nav className="crumbs" aria-label="Breadcrumbs">
        <Link to="/repositories/$name" params={{ name: repo.name }} search={{}}>
          Images
        </Link>
        {image && (
          <>
            {" / "}
            <Link to="/repositories/$name" params={{ name: repo.name }} search={{ image }}>
              {imageLabel(image)}
            </Link>
          </>
        )}
        {version && <> / {s.tag ?? shortDigest(s.digest!)}</>}
      </nav>
      {!image && <ImageList repo={repo} host={host} />}
      {image && !version && <TagList repo={repo} image={image} host={host} />}
      {image && version && <ManifestPage repo={repo} image={image} tag={s.tag} digest={s.digest} tab={s.tab} host={host} />}
    </section>
  );
}

function ImageList({ repo, host }: { repo: Repository; host: string }) {
  const s = useSearch({ from: "/repositories/$name" });
  const table = useTableSearch();
  const clearFilter = useClearFilter();
  const sort = nameOrUpdatedSort(s.sort);
  const q = $api.useQuery(
    "get",
    "/api/v1/repositories/{name}/docker/images",
    { params: { path: { name: repo.name }, query: { q: s.q, sort, ...pageToRange(s.page) } } },
    { placeholderData: keepPreviousData },
  );
  const columns = useMemo<ColumnDef<Image, unknown>[]>(
    () => [
      {
        id: "name",
        header: "Image",
        cell: ({ row }) => (
          <Link to="/repositories/$name" params={{ name: repo.name }} search={{ image: imageParam(row.original.name) }} className="strong">
            {row.original.name || "(root)"}
          </Link>
        ),
      },
      {
        id: "pull",
        header: "Pull",
        enableSorting: false,
        cell: ({ row }) => {
          const ref = `${host}/${row.original.pullName}`;
          return (
            <span className="nowrap">
              <span className="mono muted">{ref}</span> <CopyButton text={`docker pull ${ref}`} label="Copy" className="small ghost" />
            </span>
          );
        },
      },
      { id: "tags", header: "Tags", enableSorting: false, cell: ({ row }) => row.original.tagCount },
      { id: "manifests", header: "Manifests", enableSorting: false, cell: ({ row }) => row.original.manifestCount },
      { id: "updated", header: "Updated", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.updatedAt)}</span> },
    ],
    [repo.name, host],
  );
  return (
    <>
      <div className="filters">
        <UrlFilter label="Filter images" />
      </div>
      <ProblemMessage error={q.error} />
      <DataTable
        label="Images"
        columns={columns}
        rows={q.data?.items ?? (q.error ? [] : undefined)}
        total={q.data?.total ?? 0}
        getRowId={(i) => i.name}
        loading={q.isFetching}
        {...table}
        sort={sort}
        filtered={!!s.q}
        onClearFilters={clearFilter}
        empty={
          <>
            <p>No images yet.</p>
            <p className="muted">Use Connect above for the docker login and push commands.</p>
          </>
        }
      />
    </>
  );
}

function TagList({ repo, image, host }: { repo: Repository; image: string; host: string }) {
  const s = useSearch({ from: "/repositories/$name" });
  const table = useTableSearch();
  const clearFilter = useClearFilter();
  const { user } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const canWrite = !!user && repo.access !== "read";
  const sort = tagSort(s.sort);
  const q = $api.useQuery(
    "get",
    "/api/v1/repositories/{name}/docker/images/{image}/tags",
    { params: { path: { name: repo.name, image }, query: { q: s.q, sort, ...pageToRange(s.page) } } },
    { placeholderData: keepPreviousData },
  );
  const [deleting, setDeleting] = useState<{ tags: Tag[]; clear: () => void } | null>(null);
  const [failures, setFailures] = useState<BulkResult<Tag> | null>(null);
  const columns = useMemo<ColumnDef<Tag, unknown>[]>(
    () => [
      {
        id: "name",
        header: "Tag",
        cell: ({ row }) => (
          <Link to="/repositories/$name" params={{ name: repo.name }} search={{ image, tag: row.original.name }} className="strong">
            {row.original.name}
          </Link>
        ),
      },
      {
        id: "digest",
        header: "Digest",
        enableSorting: false,
        cell: ({ row }) => (
          <span className="nowrap">
            <span className="mono muted" title={row.original.digest}>
              {shortDigest(row.original.digest)}
            </span>{" "}
            <CopyButton text={row.original.digest} label="Copy digest" className="small ghost" />
          </span>
        ),
      },
      { id: "platforms", header: "Platforms", enableSorting: false, cell: ({ row }) => <span className="muted">{row.original.platforms.join(", ") || "—"}</span> },
      { id: "size", header: "Size", enableSorting: false, cell: ({ row }) => <span className="nowrap">{formatBytes(row.original.size)}</span> },
      { id: "pushed", header: "Pushed", cell: ({ row }) => <span className="muted nowrap">{formatDate(row.original.updatedAt)}</span> },
    ],
    [repo.name, image],
  );
  const remove = async (tags: Tag[], clear: () => void) => {
    const r = await runBulk(tags, (t) => call(api.DELETE("/api/v1/repositories/{name}/docker/images/{image}/tags/{tag}", { params: { path: { name: repo.name, image, tag: t.name } } })));
    setDeleting(null);
    clear();
    setFailures(r);
    if (r.ok.length) toast.success(r.ok.length === 1 ? `Deleted tag ${r.ok[0].name}` : `Deleted ${r.ok.length} tags`);
    if (r.failed.length) toast.error(`${r.failed.length} of ${tags.length} tags could not be deleted`);
    await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories/{name}/docker/images/{image}/tags"] });
    await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories/{name}/docker/images"] });
  };
  return (
    <>
      <CommandLine text={`docker pull ${pullReference(host, repo.name, image, { tag: q.data?.items[0]?.name ?? "latest" })}`} label="Copy pull command" />
      <div className="filters">
        <UrlFilter label="Filter tags" placeholder="Tag prefix" />
        <label className="sort-select">
          <span>Sort</span>
          <select value={sort} onChange={(e) => table.onSort(e.target.value === "-pushed" ? undefined : e.target.value)}>
            <option value="-pushed">Newest pushed</option>
            <option value="pushed">Oldest pushed</option>
            <option value="name">Name (A–Z)</option>
            <option value="-name">Name (Z–A)</option>
          </select>
        </label>
      </div>
      <ProblemMessage error={q.error} />
      <BulkReport result={failures} name={(t) => t.name} onDismiss={() => setFailures(null)} />
      <DataTable
        label="Tags"
        columns={columns}
        rows={q.data?.items ?? (q.error ? [] : undefined)}
        total={q.data?.total ?? 0}
        getRowId={(t) => t.name}
        loading={q.isFetching}
        {...table}
        sort={sort}
        filtered={!!s.q}
        onClearFilters={clearFilter}
        empty={<p>This image has no tags (its manifests stay reachable by digest).</p>}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <Button variant="danger" size="small" onClick={() => setDeleting({ tags: selected, clear })}>
                  Delete {selected.length === 1 ? "tag" : `${selected.length} tags`}
                </Button>
              )
            : undefined
        }
      />
      {deleting && (
        <ConfirmDialog
          title={deleting.tags.length === 1 ? `Delete tag ${deleting.tags[0].name}?` : `Delete ${deleting.tags.length} tags?`}
          message={
            <>
              {deleting.tags.map((t) => t.name).join(", ")} of {imageLabel(image)}. The manifests stay reachable by digest until garbage collection.
            </>
          }
          onConfirm={() => remove(deleting.tags, deleting.clear)}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
