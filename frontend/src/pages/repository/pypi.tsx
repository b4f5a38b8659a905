// The content view of a PyPI repository (its protocol comes with the next issue).
import type { Repository } from "../../api/client";

export function PypiContent({ repo }: { repo: Repository }) {
  const index = `/api/python/${encodeURIComponent(repo.name)}/simple/`;
  return (
    <section className="panel">
      <h2>Packages</h2>
      <p>
        The package index of this repository is at <a href={index}>{window.location.origin + index}</a>. Use Connect for pip and twine commands.
      </p>
    </section>
  );
}
