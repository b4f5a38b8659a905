import { useState, type FormEvent } from "react";
import { useAuth } from "../../api/session";
import { useRouter } from "../../ui/router-compat";
import { ErrorBox } from "../../ui/legacy";

export function LoginPage() {
  const { login, version, guestAccess } = useAuth();
  const { query, navigate } = useRouter();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      const next = query.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/repositories", true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="card" onSubmit={submit} aria-label="Log in">
        <h1>Kodera Packages</h1>
        <label className="field">
          <span>Username</span>
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary block" disabled={busy}>
          Log in
        </button>
        {guestAccess && (
          <p className="muted center">
            or{" "}
            <a
              href="/repositories"
              onClick={(e) => {
                e.preventDefault();
                navigate("/repositories");
              }}
            >
              browse public repositories
            </a>
          </p>
        )}
        {version && <p className="muted center small">version {version}</p>}
      </form>
    </div>
  );
}
