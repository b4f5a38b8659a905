// Repositories > Search: one box; hits grouped repositories / packages / files
// (one GET /api/v1/search?kind= per group), filtered by type and repository.
// The overview caps each group; ?kind= shows one group, paged. All in the URL.
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { Search as SearchIcon } from "lucide-react";
import { useEffect, useState } from "react";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, Pagination, ProblemMessage, formatRelative, pageToRange, repoTypes } from "../../ui";
import { RepoTypeIcon } from "../../ui/repo-type-icon";
import { GROUPS, GROUP_PAGE_SIZE, OVERVIEW_LIMIT, capNote, hitLabel, hitTarget, type GroupId, type Hit } from "./hits";

export function SearchPage() {
  const search = useSearch({ from: "/search" });
  const navigate = useNavigate({ from: "/search" });
  const { user } = useAuth();
  const [text, setText] = useState(search.q ?? "");
  useEffect(() => setText(search.q ?? ""), [search.q]);
  const [repoText, setRepoText] = useState(search.repository ?? "");
  useEffect(() => setRepoText(search.repository ?? ""), [search.repository]);
  const groups = search.kind ? GROUPS.filter((g) => g.id === search.kind) : GROUPS;

  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/repositories">Repositories</Link> / <span>Search</span>
      </nav>
      <h1>Search</h1>
      <form
        className="filters search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void navigate({ search: (s) => ({ ...s, q: text.trim() || undefined, repository: repoText.trim() || undefined, page: undefined }) });
        }}
      >
        <input
          type="search"
          placeholder="Repositories, packages, file names"
          aria-label="Search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoFocus
          maxLength={256}
        />
        <select
          aria-label="Repository type"
          value={search.type ?? ""}
          onChange={(e) => navigate({ search: (s) => ({ ...s, type: (e.target.value || undefined) as typeof s.type, page: undefined }), replace: true })}
        >
          <option value="">All types</option>
          {repoTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        <input type="text" placeholder="In repository (name)" aria-label="In repository" value={repoText} onChange={(e) => setRepoText(e.target.value)} maxLength={64} />
        <Button type="submit" variant="primary">
          <SearchIcon size={14} aria-hidden /> Search
        </Button>
      </form>
      {search.kind && (
        <p>
          <Link from="/search" to="/search" search={(s) => ({ ...s, kind: undefined, page: undefined })}>← All result groups</Link>
        </p>
      )}
      {!search.q && <p className="muted">Type a name, a description word or a file name. {user === null && "Logged-out visitors find public repositories only."}</p>}
      {search.q &&
        groups.map((g) => (
          <ResultGroup key={g.id} group={g} q={search.q!} type={search.type} repository={search.repository} single={!!search.kind} page={search.page ?? 1} />
        ))}
    </div>
  );
}

function ResultGroup({
  group,
  q,
  type,
  repository,
  single,
  page,
}: {
  group: (typeof GROUPS)[number];
  q: string;
  type?: (typeof repoTypes)[number]["value"];
  repository?: string;
  single: boolean;
  page: number;
}) {
  const navigate = useNavigate({ from: "/search" });
  const range = single ? pageToRange(page, GROUP_PAGE_SIZE) : { limit: OVERVIEW_LIMIT, offset: 0 };
  const res = $api.useQuery(
    "get",
    "/api/v1/search",
    { params: { query: { q, kind: [group.kind], type: type ? [type] : undefined, repository, ...range } } },
    { placeholderData: (prev) => prev },
  );
  const d = res.data;
  const note = !single && d ? capNote(d.items.length, d.total, d.totalCapped) : undefined;
  const headingId = `search-group-${group.id}`;
  return (
    <section className="search-group" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {group.title} {d && <span className="muted count">({d.totalCapped ? `${d.total}+` : d.total})</span>}
      </h2>
      <ProblemMessage error={res.error} />
      {res.isPending && (
        <ul className="results" aria-busy>
          {[0, 1, 2].map((i) => (
            <li key={i}>
              <span className="skeleton" />
            </li>
          ))}
        </ul>
      )}
      {d && (
        <ul className="results" aria-label={group.title}>
          {d.items.map((h) => (
            <HitRow key={`${h.kind}:${h.repository}:${h.path ?? h.name}`} h={h} />
          ))}
          {d.items.length === 0 && <li className="muted">No {group.title.toLowerCase()} match.</li>}
        </ul>
      )}
      {note && (
        <p className="muted cap-note">
          {note} or <Link from="/search" to="/search" search={(s) => ({ ...s, kind: group.id as GroupId, page: undefined })}>show all {group.title.toLowerCase()}</Link>.
        </p>
      )}
      {single && d && d.total > GROUP_PAGE_SIZE && (
        <Pagination page={page} pageSize={GROUP_PAGE_SIZE} total={d.total} onPage={(p) => navigate({ search: (s) => ({ ...s, page: p > 1 ? p : undefined }) })} />
      )}
    </section>
  );
}

function HitRow({ h }: { h: Hit }) {
  const t = hitTarget(h);
  return (
    <li className="hit">
      <RepoTypeIcon type={h.repositoryType} iconOnly />{" "}
      <Link to="/repositories/$name" params={{ name: t.name }} search={t.search} className="strong">
        {hitLabel(h)}
      </Link>
      {h.version && <span className="mono"> {h.version}</span>}
      {h.description && <span className="muted"> — {h.description}</span>}
      <span className="muted small hit-meta">
        {h.owner && ` · owner ${h.owner}`}
        {h.uploadedBy && ` · by ${h.uploadedBy}`}
        {` · ${formatRelative(h.updatedAt)}`}
      </span>
    </li>
  );
}
