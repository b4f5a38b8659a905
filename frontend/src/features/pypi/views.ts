// Pure helpers of the pypi views.
import * as z from "zod/mini";

/** The yank form: the reason pip shows (PEP 592), at most the API's 1000 characters. */
export const yankSchema = z.object({ reason: z.string().check(z.trim(), z.maxLength(1000, "At most 1000 characters")) });

export const versionTabs = ["details", "files"] as const;
export type VersionTab = (typeof versionTabs)[number];
export function versionTab(tab: string | undefined): VersionTab {
  return (versionTabs as readonly string[]).includes(tab ?? "") ? (tab as VersionTab) : "details";
}

export const packageSorts = ["name", "-name", "updated", "-updated"] as const;
export function packageSort(sort: string | undefined): (typeof packageSorts)[number] | undefined {
  return (packageSorts as readonly string[]).includes(sort ?? "") ? (sort as (typeof packageSorts)[number]) : undefined;
}

/** The simple index pip and twine use, under the server's base URL. */
export function indexUrl(origin: string, repo: string): string {
  return `${origin.replace(/\/+$/, "")}/api/python/${encodeURIComponent(repo)}/simple/`;
}

/** pip's command for one version (or the newest when none is given). */
export function pipInstall(project: string, version?: string): string {
  return version ? `pip install ${project}==${version}` : `pip install ${project}`;
}

/** "bdist_wheel" → "wheel". */
export function fileKind(type: string): string {
  return type === "bdist_wheel" ? "wheel" : type === "sdist" ? "sdist" : type;
}

/** Only web links become anchors; anything else in metadata shows as text. */
export function webLink(url: string): string | undefined {
  return /^https?:\/\//i.test(url.trim()) ? url.trim() : undefined;
}
