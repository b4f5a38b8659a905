// One manifest of a docker repository: details, configuration, layers.
import { api, call, type Schema } from "../../api/client";
import { Code, ErrorBox, Loading, Tabs, fmtDate, fmtSize, useLoad } from "../../ui/legacy";

export const manifestTabs = ["details", "configuration", "layers"] as const;
export type ManifestTab = (typeof manifestTabs)[number];

export function ManifestView(props: {
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
