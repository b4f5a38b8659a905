// Pure helpers of the search page: the groups, where a hit opens, the counts.
import type { Schema } from "../../api/client";

export type Hit = Schema<"SearchHit">;
export type SearchKind = Schema<"SearchKind">;

/** The URL's group names (plural, as in ?kind=packages) and the API's kinds. */
export const GROUPS = [
  { id: "repositories", kind: "repository", title: "Repositories" },
  { id: "packages", kind: "package", title: "Packages" },
  { id: "files", kind: "file", title: "Files" },
] as const satisfies readonly { id: string; kind: SearchKind; title: string }[];
export type GroupId = (typeof GROUPS)[number]["id"];

/** Hits per group on the overview; a single group (?kind=) pages by this many. */
export const OVERVIEW_LIMIT = 10;
export const GROUP_PAGE_SIZE = 50;

/** A hit's target: the repository page with the view state its type reads. */
export type HitTarget = { name: string; search: Record<string, string | undefined> };

export function hitTarget(h: Hit): HitTarget {
  const name = h.repository;
  if (h.kind === "file" && h.path) {
    const folder = h.path.split("/").slice(0, -1).join("/");
    return { name, search: { path: folder || undefined, file: h.path } };
  }
  if (h.kind === "package") {
    switch (h.repositoryType) {
      case "docker":
        // "_" names the repository's root image (pushed as <repo>:<tag>).
        return { name, search: { image: h.name === h.repository ? "_" : h.name } };
      case "pypi":
        return { name, search: { project: h.name } };
      case "go":
        return { name, search: { module: h.name } };
    }
  }
  return { name, search: {} };
}

/** What a hit's link says: the repository, or "repository / package-or-path". */
export function hitLabel(h: Hit): string {
  if (h.kind === "repository") return h.repository;
  return `${h.repository} / ${h.path ?? h.name}`;
}

/** "showing 10 of 1000+; refine" when a group has more than it shows, else undefined. */
export function capNote(shown: number, total: number, capped: boolean): string | undefined {
  if (!capped && total <= shown) return undefined;
  const n = new Intl.NumberFormat("en");
  return `showing ${n.format(shown)} of ${n.format(total)}${capped ? "+" : ""}; refine the query or filters`;
}
