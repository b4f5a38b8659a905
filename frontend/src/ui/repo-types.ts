// The repository types the UI knows, with their display names.
import type { RepositoryType } from "../api/client";

export const repoTypes: { value: RepositoryType; label: string }[] = [
  { value: "docker", label: "Docker / OCI" },
  { value: "pypi", label: "Python (PyPI)" },
  { value: "go", label: "Go" },
  { value: "files", label: "Files" },
];

export function typeLabel(t: string): string {
  return repoTypes.find((x) => x.value === t)?.label ?? t;
}
