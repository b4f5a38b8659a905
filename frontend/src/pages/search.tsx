import { useEffect, useState } from "react";
import { api, call } from "../api/client";
import { href, Link, useRouter } from "../router";
import { ErrorBox, Loading, useLoad } from "../ui";
import { typeLabel } from "./repositories";

/** Repositories > Search: repositories by name/description, packages and files by name. */
export function SearchPage() {
  const { query, navigate } = useRouter();
  const q = query.get("q") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const repos = useLoad(
    () => (q ? call(api.GET("/api/v1/repositories", { params: { query: { q, limit: 50 } } })) : Promise.resolve(undefined)),
    [q],
  );
  const content = useLoad(() => (q ? call(api.GET("/api/v1/search", { params: { query: { q, limit: 50 } } })) : Promise.resolve(undefined)), [q]);
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
          <h2>Repositories</h2>
          <ErrorBox error={repos.error} />
          <Loading when={repos.loading} />
          {repos.data && (
            <ul className="results">
              {repos.data.items.map((r) => (
                <li key={r.name}>
                  <Link to={`/repositories/${encodeURIComponent(r.name)}`} className="strong">
                    {r.name}
                  </Link>{" "}
                  <span className={`badge t-${r.type}`}>{typeLabel(r.type)}</span> <span className="muted">{r.description}</span>
                </li>
              ))}
              {repos.data.items.length === 0 && <li className="muted">No repository matches.</li>}
            </ul>
          )}
          <h2>Packages and files</h2>
          <ErrorBox error={content.error} />
          <Loading when={content.loading} />
          {content.data && (
            <ul className="results">
              {content.data.items.map((h, i) => (
                <li key={i}>
                  <span className="badge">{h.kind}</span>{" "}
                  <Link to={href(`/repositories/${encodeURIComponent(h.repository)}`, h.kind === "file" && h.path ? { path: h.path.split("/").slice(0, -1).join("/"), file: h.path } : {})}>
                    {h.repository} / {h.path ?? h.name}
                  </Link>{" "}
                  <span className="muted">{h.description}</span>
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
