// The content view of a docker repository: images, their tags, and a
// manifest (docker-manifest.tsx).
import { useState } from "react";
import { api, call, type Repository, type Schema } from "../../api/client";
import { useAuth } from "../../api/session";
import { href, useRouter } from "../../ui/router-compat";
import { ErrorBox, Loading, fmtDate, fmtSize, useLoad } from "../../ui/legacy";
import { ManifestView, manifestTabs, type ManifestTab } from "./docker-manifest";
import { FilteredTable } from "../../ui/filtered-table";


/** The image path as the API takes it: "_" names the repository root. */
function imageParam(name: string): string {
  return name || "_";
}

export function DockerBrowser({ repo }: { repo: Repository }) {
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
  return (
    <FilteredTable
      label="Images"
      noun="images"
      deps={[repo]}
      load={(q) => call(api.GET("/api/v1/repositories/{name}/docker/images", { params: { path: { name: repo }, query: { q, limit: 500 } } }))}
      rowKey={(i) => i.name}
      empty="No images yet: use Connect to push one."
      columns={[
        {
          title: "Image",
          cell: (i) => (
            <a href="#" onClick={(e) => (e.preventDefault(), onPick(imageParam(i.name)))} className="strong">
              {i.name || "(root)"}
            </a>
          ),
        },
        {
          title: "Pull",
          cell: (i) => (
            <span className="mono muted">
              {window.location.host}/{i.pullName}
            </span>
          ),
        },
        { title: "Tags", right: true, cell: (i) => i.tagCount },
        { title: "Manifests", right: true, cell: (i) => i.manifestCount },
        { title: "Updated", cell: (i) => <span className="muted">{fmtDate(i.updatedAt)}</span> },
      ]}
    />
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

