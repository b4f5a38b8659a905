// Pure helpers of the containers views: image path params, pull references,
// platforms, digests and the tag list's sort.

/** The image path as the API and the URL take it: "_" names the repository root. */
export function imageParam(name: string): string {
  return name || "_";
}

/** How an image is shown: the repository root has no path of its own. */
export function imageLabel(param: string): string {
  return param === "_" || param === "" ? "(root)" : param;
}

/** The registry host docker talks to: the configured base URL's, else this page's. */
export function registryHost(baseUrl: string, fallback: string): string {
  try {
    return baseUrl ? new URL(baseUrl).host : fallback;
  } catch {
    return fallback;
  }
}

/** host/repo[/image] followed by :tag or @digest. */
export function pullReference(host: string, repo: string, image: string, ref: { tag?: string; digest?: string }): string {
  const path = image === "_" || image === "" ? repo : `${repo}/${image}`;
  if (ref.tag) return `${host}/${path}:${ref.tag}`;
  if (ref.digest) return `${host}/${path}@${ref.digest}`;
  return `${host}/${path}`;
}

/** sha256:0123456789ab… → sha256:0123456789ab (12 hex digits, as docker shows). */
export function shortDigest(d: string): string {
  const i = d.indexOf(":");
  return i < 0 ? d.slice(0, 12) : d.slice(0, i + 13);
}

export function platformLabel(p: { os?: string; architecture?: string; variant?: string }): string {
  if (!p.os && !p.architecture) return "unknown platform";
  return [p.os || "?", p.architecture || "?", p.variant].filter(Boolean).join("/");
}

export const tagSorts = ["-pushed", "pushed", "name", "-name"] as const;
export type TagSort = (typeof tagSorts)[number];

/** The URL's sort when the tag listing offers it, else the server default (newest pushed first). */
export function tagSort(sort: string | undefined): TagSort {
  return (tagSorts as readonly string[]).includes(sort ?? "") ? (sort as TagSort) : "-pushed";
}

export const imageSorts = ["name", "-name", "updated", "-updated"] as const;
export type ImageSort = (typeof imageSorts)[number];
export function nameOrUpdatedSort(sort: string | undefined): ImageSort | undefined {
  return (imageSorts as readonly string[]).includes(sort ?? "") ? (sort as ImageSort) : undefined;
}

export const manifestTabs = ["details", "configuration", "layers"] as const;
export type ManifestTab = (typeof manifestTabs)[number];
export function manifestTab(tab: string | undefined): ManifestTab {
  return (manifestTabs as readonly string[]).includes(tab ?? "") ? (tab as ManifestTab) : "details";
}

/** Docker's history line "/bin/sh -c #(nop)  CMD [...]" reads better without its shell prefix. */
export function createdBy(line: string | undefined): string {
  return (line ?? "").replace(/^\/bin\/sh -c #\(nop\)\s+/, "").replace(/^\/bin\/sh -c /, "RUN ");
}
