// Paths inside a files repository: '/'-separated, no leading or trailing
// slash, "" for the root. URLs of the raw protocol encode each segment.

/** "/a//b/" → "a/b". */
export function normalizePath(p: string | undefined): string {
  return (p ?? "").split("/").filter(Boolean).join("/");
}

export function joinPath(folder: string, name: string): string {
  return normalizePath(`${folder}/${name}`);
}

export function parentOf(p: string): string {
  return normalizePath(p).split("/").slice(0, -1).join("/");
}

export function baseName(p: string): string {
  return normalizePath(p).split("/").pop() ?? "";
}

/** Each segment URL-encoded, so '#', '?', '%' and spaces survive. */
export function encodePath(p: string): string {
  return normalizePath(p).split("/").filter(Boolean).map(encodeURIComponent).join("/");
}

export type Crumb = { name: string; path: string };

/** The root, then one crumb per folder down to p. */
export function breadcrumbs(repo: string, p: string): Crumb[] {
  const parts = normalizePath(p).split("/").filter(Boolean);
  return [{ name: repo, path: "" }, ...parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join("/") }))];
}

/** The raw protocol's URL of a folder, with its trailing slash (multipart POST, folder PUT). */
export function folderUrl(repo: string, folder: string): string {
  const f = encodePath(folder);
  return `/api/files/${encodeURIComponent(repo)}/${f ? `${f}/` : ""}`;
}

/** The raw protocol's URL of a file (download). */
export function fileUrl(repo: string, p: string): string {
  return `/api/files/${encodeURIComponent(repo)}/${encodePath(p)}`;
}

/**
 * Why a name typed for a new folder or a rename is refused, or undefined.
 * Names are one segment: no '/', not "." or "..".
 */
export function nameProblem(name: string): string | undefined {
  const n = name.trim();
  if (!n) return "A name is required.";
  if (n.includes("/")) return "A name cannot contain '/'.";
  if (n === "." || n === "..") return `"${n}" is not a valid name.`;
  if (n.length > 255) return "At most 255 characters.";
  return undefined;
}

/** Why a destination path for a move is refused, or undefined. */
export function movePathProblem(from: string, to: string): string | undefined {
  const t = normalizePath(to);
  if (!t) return "A destination path is required.";
  if (t.split("/").some((s) => s === "." || s === "..")) return "'.' and '..' are not allowed in a path.";
  if (t.length > 1024) return "At most 1024 characters.";
  const f = normalizePath(from);
  if (t === f) return "That is where it already is.";
  if (t.startsWith(`${f}/`)) return "A folder cannot move into itself.";
  return undefined;
}
