// The version page of an image: one manifest with its Details (pull command,
// digest, tags, platforms of an index, referrers), its Configuration (Docker
// v1 or OCI config: env, cmd, entrypoint, labels, history) and its Layers.
// A bookmarked ?tag= resolves to its digest through the tag listing.
import { Link, useNavigate } from "@tanstack/react-router";
import type { ReactNode } from "react";
import type { Repository, Schema } from "../../api/client";
import { $api } from "../../api/query";
import { CopyButton, ProblemMessage, Tabs, formatBytes, formatDate } from "../../ui";
import { CommandLine } from "../../ui/command-line";
import { createdBy, imageLabel, manifestTab, platformLabel, pullReference, shortDigest, type ManifestTab } from "./refs";

type Manifest = Schema<"DockerManifest">;
type Config = Schema<"DockerImageConfig">;

export function ManifestPage(p: { repo: Repository; image: string; tag?: string; digest?: string; tab?: string; host: string }) {
  const navigate = useNavigate({ from: "/repositories/$name" });
  // Only the exact tag is wanted; the prefix filter in name order puts it first.
  const tags = $api.useQuery(
    "get",
    "/api/v1/repositories/{name}/docker/images/{image}/tags",
    { params: { path: { name: p.repo.name, image: p.image }, query: { q: p.tag, sort: "name", limit: 5 } } },
    { enabled: !p.digest && !!p.tag },
  );
  const digest = p.digest || tags.data?.items.find((t) => t.name === p.tag)?.digest;
  const m = $api.useQuery(
    "get",
    "/api/v1/repositories/{name}/docker/manifests/{digest}",
    { params: { path: { name: p.repo.name, digest: digest ?? "" }, query: { image: p.image } } },
    { enabled: !!digest },
  );
  const tab = manifestTab(p.tab);
  const d = m.data;
  const setTab = (t: ManifestTab) => void navigate({ search: (prev) => ({ ...prev, tab: t === "details" ? undefined : t }), replace: true });
  const isIndex = !!d && d.platforms.length > 0;
  return (
    <div className="manifest">
      <h2 className="version-title">
        {imageLabel(p.image)}
        <span className="muted">{p.tag ? `:${p.tag}` : `@${shortDigest(digest ?? "")}`}</span>
        {isIndex && <span className="badge">multi-platform index</span>}
        {d?.artifactType && <span className="badge">artifact</span>}
      </h2>
      <ProblemMessage error={tags.error || m.error} />
      {tags.data && !digest && (
        <p className="error" role="alert">
          This image has no tag {p.tag}.
        </p>
      )}
      {!d && !m.error && (!tags.data || digest) && <p className="skeleton block" aria-busy="true" aria-label="Loading the manifest" />}
      {d && (
        <Tabs
          label="Manifest"
          value={tab}
          onChange={setTab}
          items={[
            { value: "details", label: "Details", content: <Details d={d} {...p} /> },
            {
              value: "configuration",
              label: "Configuration",
              content: d.config ? <ConfigView c={d.config} /> : <p className="muted">{isIndex ? "An index has no configuration of its own: open one of its platforms." : "This manifest has no image configuration (an artifact)."}</p>,
            },
            { value: "layers", label: "Layers", content: isIndex ? <p className="muted">An index has no layers of its own: open one of its platforms.</p> : <Layers d={d} /> },
          ]}
        />
      )}
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Details({ d, repo, image, tag, host }: { d: Manifest; repo: Repository; image: string; tag?: string; host: string }) {
  const c = d.config;
  const toDigest = (digest: string) => ({ image, digest });
  return (
    <>
      <CommandLine text={`docker pull ${pullReference(host, repo.name, image, tag ? { tag } : { digest: d.digest })}`} label="Copy pull command" />
      <dl className="meta">
        <Row label="Digest">
          <span className="mono">{d.digest}</span> <CopyButton text={d.digest} label="Copy digest" className="small ghost" />
        </Row>
        <Row label="Media type">{d.mediaType}</Row>
        {d.artifactType && <Row label="Artifact type">{d.artifactType}</Row>}
        <Row label="Tags">
          {d.tags.length
            ? d.tags.map((t, i) => (
                <span key={t}>
                  {i > 0 && ", "}
                  <Link to="/repositories/$name" params={{ name: repo.name }} search={{ image, tag: t }}>
                    {t}
                  </Link>
                </span>
              ))
            : "—"}
        </Row>
        <Row label="Size">
          {formatBytes(d.totalSize)} <span className="muted">(manifest {formatBytes(d.size)})</span>
        </Row>
        <Row label="Pushed">{formatDate(d.createdAt)}</Row>
        {c && (c.os || c.architecture) && <Row label="Platform">{platformLabel(c)}</Row>}
        {d.subject && (
          <Row label="Refers to">
            <Link to="/repositories/$name" params={{ name: repo.name }} search={toDigest(d.subject)} className="mono">
              {d.subject}
            </Link>
          </Row>
        )}
        {Object.entries(d.annotations ?? {}).map(([k, v]) => (
          <Row key={k} label={k}>
            {v}
          </Row>
        ))}
      </dl>
      {d.platforms.length > 0 && (
        <>
          <h3>Platforms</h3>
          <div className="table-scroll">
            <table aria-label="Platforms">
              <thead>
                <tr>
                  <th>Platform</th>
                  <th>Digest</th>
                  <th>Size</th>
                </tr>
              </thead>
              <tbody>
                {d.platforms.map((pl) => (
                  <tr key={pl.digest}>
                    <td>
                      <Link to="/repositories/$name" params={{ name: repo.name }} search={toDigest(pl.digest)} className="strong">
                        {platformLabel(pl)}
                      </Link>
                    </td>
                    <td className="mono muted" title={pl.digest}>
                      {shortDigest(pl.digest)}
                    </td>
                    <td className="nowrap">{formatBytes(pl.size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>Referrers</h3>
      {d.referrers.length === 0 ? (
        <p className="muted">No signatures, SBOMs or attestations refer to this manifest.</p>
      ) : (
        <div className="table-scroll">
          <table aria-label="Referrers">
            <thead>
              <tr>
                <th>Type</th>
                <th>Digest</th>
                <th>Size</th>
              </tr>
            </thead>
            <tbody>
              {d.referrers.map((r) => (
                <tr key={r.digest}>
                  <td>{r.artifactType || r.mediaType}</td>
                  <td className="mono">
                    <Link to="/repositories/$name" params={{ name: repo.name }} search={toDigest(r.digest)}>
                      {shortDigest(r.digest)}
                    </Link>
                  </td>
                  <td className="nowrap">{formatBytes(r.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Words({ xs }: { xs?: string[] }) {
  return xs?.length ? <span className="mono">{xs.join(" ")}</span> : <>—</>;
}

export function ConfigView({ c }: { c: Config }) {
  const labels = Object.entries(c.labels ?? {});
  return (
    <>
      <dl className="meta">
        <Row label="Platform">{platformLabel(c)}</Row>
        <Row label="Created">{formatDate(c.created)}</Row>
        {c.author && <Row label="Author">{c.author}</Row>}
        <Row label="Entrypoint">
          <Words xs={c.entrypoint} />
        </Row>
        <Row label="Command">
          <Words xs={c.cmd} />
        </Row>
        <Row label="Working dir">
          <span className="mono">{c.workingDir || "—"}</span>
        </Row>
        <Row label="User">
          <span className="mono">{c.user || "—"}</span>
        </Row>
        <Row label="Ports">
          <Words xs={c.exposedPorts} />
        </Row>
      </dl>
      <h3>Environment</h3>
      {c.env?.length ? (
        <ul className="plain-list mono" aria-label="Environment">
          {c.env.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
      <h3>Labels</h3>
      {labels.length ? (
        <div className="table-scroll">
          <table aria-label="Labels">
            <tbody>
              {labels.map(([k, v]) => (
                <tr key={k}>
                  <td className="mono">{k}</td>
                  <td className="mono">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">None.</p>
      )}
      <h3>History</h3>
      {c.history?.length ? (
        <div className="table-scroll">
          <table aria-label="History">
            <thead>
              <tr>
                <th>Created</th>
                <th>Created by</th>
                <th>Layer</th>
              </tr>
            </thead>
            <tbody>
              {c.history.map((h, i) => (
                <tr key={i}>
                  <td className="nowrap muted">{formatDate(h.created)}</td>
                  <td className="mono wrap-anywhere">{createdBy(h.createdBy) || <span className="muted">{h.comment || "—"}</span>}</td>
                  <td className="muted">{h.emptyLayer ? "none" : "yes"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">The configuration records no history.</p>
      )}
    </>
  );
}

export function Layers({ d }: { d: Manifest }) {
  if (d.layers.length === 0) return <p className="muted">No layers.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="Layers">
        <thead>
          <tr>
            <th>#</th>
            <th>Digest</th>
            <th>Media type</th>
            <th>Size</th>
            <th>Created by</th>
          </tr>
        </thead>
        <tbody>
          {d.layers.map((l, i) => (
            <tr key={l.digest + i}>
              <td>{i + 1}</td>
              <td className="nowrap">
                <span className="mono" title={l.digest}>
                  {shortDigest(l.digest)}
                </span>{" "}
                <CopyButton text={l.digest} label="Copy digest" className="small ghost" />
              </td>
              <td className="muted">{l.mediaType}</td>
              <td className="nowrap">{formatBytes(l.size)}</td>
              <td className="mono wrap-anywhere">{createdBy(l.createdBy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
