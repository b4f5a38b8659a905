// RepositoryConnect is the Connect dialog as the repository page opens it:
// this server's address from system/info (the configured base URL, never
// the browser's location) and the signed-in user's name.
import type { Repository } from "../../api/client";
import { useAuth } from "../../api/session";
import { ConnectDialog } from "./ConnectDialog";

export function RepositoryConnect({ repo, onClose }: { repo: Repository; onClose: () => void }) {
  const { baseUrl, user } = useAuth();
  return (
    <ConnectDialog
      repository={{ name: repo.name, type: repo.type }}
      baseUrl={baseUrl || window.location.origin}
      username={user?.username}
      open
      onOpenChange={(open) => !open && onClose()}
    />
  );
}
