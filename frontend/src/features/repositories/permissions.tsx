// Per-repository grants (read, write, admin) for users and service accounts.
import { useState } from "react";
import { api, call, type Repository, type Schema } from "../../api/client";
import { ErrorBox, Loading, fmtDate, useLoad } from "../../ui/legacy";

type Level = Schema<"PermissionLevel">;
const levels: Level[] = ["read", "write", "admin"];

export function PermissionsPanel({ repo }: { repo: Repository }) {
  const name = repo.name;
  const grants = useLoad(() => call(api.GET("/api/v1/repositories/{name}/permissions", { params: { path: { name }, query: { limit: 500 } } })).then((p) => p.items), [name]);
  const [kind, setKind] = useState<"user" | "service">("user");
  const [who, setWho] = useState("");
  const [level, setLevel] = useState<Level>("read");
  const [error, setError] = useState<Error | null>(null);
  const put = async (principal: string, l: Level) => {
    setError(null);
    try {
      await call(api.PUT("/api/v1/repositories/{name}/permissions/{principal}", { params: { path: { name, principal } }, body: { level: l } }));
      grants.reload();
      return true;
    } catch (e) {
      setError(e as Error);
      return false;
    }
  };
  const remove = async (principal: string) => {
    setError(null);
    try {
      await call(api.DELETE("/api/v1/repositories/{name}/permissions/{principal}", { params: { path: { name, principal } } }));
      grants.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section className="panel">
      <h2>Permissions</h2>
      <p className="muted">
        {repo.visibility === "public" ? "Everyone may read this public repository. " : "Only the owner, admins and the principals below may read this private repository. "}
        Write lets a principal publish and delete; admin also lets it change settings and grants.
      </p>
      <ErrorBox error={grants.error || error} />
      <Loading when={grants.loading && !grants.data} />
      {grants.data && (
        <table className="list" aria-label="Permissions">
          <thead>
            <tr>
              <th>Principal</th>
              <th>Level</th>
              <th>Granted</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {grants.data.map((g) => (
              <tr key={g.principal}>
                <td>
                  <span className="badge">{g.principal.startsWith("service:") ? "service" : "user"}</span> {g.principal.replace(/^(user|service):/, "")}
                </td>
                <td>
                  <select aria-label={`Level of ${g.principal}`} value={g.level} onChange={(e) => put(g.principal, e.target.value as Level)}>
                    {levels.map((l) => (
                      <option key={l}>{l}</option>
                    ))}
                  </select>
                </td>
                <td className="muted">{fmtDate(g.createdAt)}</td>
                <td className="right">
                  <button type="button" className="small danger" onClick={() => remove(g.principal)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
            {grants.data.length === 0 && (
              <tr>
                <td colSpan={4} className="muted center">
                  No grants.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <form
        className="filters grant"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await put(`${kind}:${who.trim()}`, level)) setWho("");
        }}
      >
        <select aria-label="Principal kind" value={kind} onChange={(e) => setKind(e.target.value as "user" | "service")}>
          <option value="user">User</option>
          <option value="service">Service account</option>
        </select>
        <input aria-label="Principal name" placeholder={kind === "user" ? "username" : "service account name"} value={who} onChange={(e) => setWho(e.target.value)} required />
        <select aria-label="Level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
          {levels.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
        <button type="submit">Grant</button>
      </form>
    </section>
  );
}
