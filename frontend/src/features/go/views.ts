// Pure helpers of the Go views.

export const goTabs = ["overview", "gomod", "files"] as const;
export type GoTab = (typeof goTabs)[number];
export function goTab(tab: string | undefined): GoTab {
  return (goTabs as readonly string[]).includes(tab ?? "") ? (tab as GoTab) : "overview";
}

export const moduleSorts = ["name", "-name", "updated", "-updated"] as const;
export function moduleSort(sort: string | undefined): (typeof moduleSorts)[number] | undefined {
  return (moduleSorts as readonly string[]).includes(sort ?? "") ? (sort as (typeof moduleSorts)[number]) : undefined;
}

export function goGet(module: string, version?: string): string {
  return `go get ${module}@${version || "latest"}`;
}

/** The GOPROXY line: this repository first, then the public proxy (or "off" for air-gapped installs). */
export function goproxyLine(proxyUrl: string): string {
  return `GOPROXY=${proxyUrl},https://proxy.golang.org,direct`;
}

/** A commit hash as git shows it short. */
export function shortCommit(c: string): string {
  return c.slice(0, 12);
}

/** README first, then go.mod, then the rest by path: what a reader looks for first. */
export function sortFiles<T extends { path: string }>(files: readonly T[]): T[] {
  const rank = (p: string) => (/^readme(\.md)?$/i.test(p) ? 0 : p === "go.mod" ? 1 : p === "go.sum" ? 2 : 3);
  return [...files].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
}
