// The one map from a repository type to the component showing its
// content. A new format adds its file beside these and one entry here
// (docs/formats.md, step 5).
import type { ComponentType } from "react";
import type { Repository, RepositoryType } from "../../api/client";
import { DockerBrowser } from "./docker";
import { FilesBrowser } from "./files";
import { GoContent } from "./go";
import { PypiContent } from "./pypi";

/** The content view of each repository type. */
export const contentViews: Record<RepositoryType, ComponentType<{ repo: Repository }>> = {
  files: FilesBrowser,
  docker: DockerBrowser,
  pypi: PypiContent,
  go: GoContent,
};
