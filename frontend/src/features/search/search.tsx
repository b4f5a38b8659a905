import { useEffect, useState } from "react";
import { api, call, type Schema } from "../../api/client";
import { href, Link, useRouter } from "../../ui/router-compat";
import { ErrorBox, Loading, useLoad } from "../../ui/legacy";
import { typeLabel } from "../../ui/repo-types";

type Hit = Schema<"SearchHit">;
type SearchPage = Schema<"SearchPage">;

const pageSize = 50;

/** Repositories > Search: GET /api/v1/search, repositories (name, description, owner) apart from packages and files. */
export function SearchPage() {
  const { query, navigate } = useRouter();
  const q = query.get("q") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const repos = useLoad(
    () => (q ? call(api.GET("/api/v1/search", { params: { query: { q, kind: ["repository"], limit: pageSize } } })) : Promise.resolve(undefined)),
    [q],
  );
  const content = useLoad(
    () => (q ? call(api.GET("/api/v1/search", { params: { query: { q, kind: ["package", "file"], limit: pageSize } } })) : Promise.resolve(undefined)),
    [q],
  );
  return (
    <div className="page">
      <h1>Search</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(href("/search", { q: text.trim() }));
        }}
      >
        <input type="search" placeholder="Repositories, packages, file names" aria-label="Search" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      {q && (
        <>
          <h2>
            Repositories <Count page={repos.data} />
          </h2>
          <ErrorBox error={repos.error} />
          <Loading when={repos.loading} />
          {repos.data && (
            <ul className="results">
              {repos.data.items.map((h) => (
                <li key={h.repository}>
                  <Link to={`/repositories/${encodeURIComponent(h.repository)}`} className="strong">
                    {h.repository}
                  </Link>{" "}
                  <span className={`badge t-${h.repositoryType}`}>{typeLabel(h.repositoryType)}</span> <span className="muted">{h.description}</span>
                  {h.owner && <span className="muted"> · {h.owner}</span>}
                </li>
              ))}
              {repos.data.items.length === 0 && <li className="muted">No repository matches.</li>}
            </ul>
          )}
          <h2>
            Packages and files <Count page={content.data} />
          </h2>
          <ErrorBox error={content.error} />
          <Loading when={content.loading} />
          {content.data && (
            <ul className="results">
              {content.data.items.map((h) => (
                <li key={`${h.kind}:${h.repository}:${h.path ?? h.name}`}>
                  <span className="badge">{h.kind}</span>{" "}
                  <Link to={hitLink(h)}>
                    {h.repository} / {h.path ?? h.name}
                  </Link>{" "}
                  {h.version && <span className="mono">{h.version}</span>} <span className="muted">{h.description}</span>
                </li>
              ))}
              {content.data.items.length === 0 && <li className="muted">No package or file matches.</li>}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/** The total, "1000+" when the server stopped counting. */
function Count({ page }: { page?: SearchPage }) {
  if (!page) return null;
  return <span className="muted">({page.totalCapped ? `${page.total}+` : page.total})</span>;
}

/** Where a hit opens: a file in its folder, an image in the docker browser, else the repository. */
function hitLink(h: Hit): string {
  const repo = `/repositories/${encodeURIComponent(h.repository)}`;
  if (h.kind === "file" && h.path) return href(repo, { path: h.path.split("/").slice(0, -1).join("/"), file: h.path });
  if (h.kind === "package" && h.repositoryType === "docker") return href(repo, { image: h.name === h.repository ? "_" : h.name });
  return repo;
}
