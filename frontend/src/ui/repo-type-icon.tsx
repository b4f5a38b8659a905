// The icon of a repository type, next to its name in lists, headers and search hits.
import { Braces, Container, FolderOpen, Package } from "lucide-react";
import type { RepositoryType } from "../api/client";
import { typeLabel } from "./repo-types";

const icons = { docker: Container, pypi: Package, go: Braces, files: FolderOpen } as const;

/** The type's icon and, unless iconOnly, its label; the label is the accessible name either way. */
export function RepoTypeIcon({ type, iconOnly }: { type: RepositoryType; iconOnly?: boolean }) {
  const Icon = icons[type] ?? Package;
  return (
    <span className={`badge type-badge t-${type}`} title={typeLabel(type)}>
      <Icon size={14} aria-hidden />
      {iconOnly ? <span className="sr-only">{typeLabel(type)}</span> : <span>{typeLabel(type)}</span>}
    </span>
  );
}
