// The content view of a Go repository (its protocol comes with the next issue).
import type { Repository } from "../../api/client";

export function GoContent({ repo }: { repo: Repository }) {
  return (
    <section className="panel">
      <h2>Modules</h2>
      <p>
        Go modules are published by pushing a version tag to the repository's internal git remote, and downloaded through its GOPROXY at{" "}
        <code>{`${window.location.origin}/api/go/${repo.name}/`}</code>. Use Connect for the commands.
      </p>
    </section>
  );
}
