import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { useAuth } from "../../api/session";
import { ErrorBox, Field, Loading, useLoad } from "../../ui/legacy";
import { CreateTokenDialog, TokenTable } from "../../ui/tokens";

export function ProfilePage() {
  return (
    <div className="page">
      <h1>Profile</h1>
      <div className="columns">
        <ProfileForm />
        <PasswordForm />
      </div>
      <PersonalTokens />
    </div>
  );
}

function useSubmit(f: () => Promise<string>) {
  const [error, setError] = useState<Error | null>(null);
  const [ok, setOk] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOk("");
    try {
      setOk(await f());
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return { submit, error, ok, busy };
}

function ProfileForm() {
  const { refresh } = useAuth();
  const me = useLoad(() => call(api.GET("/api/v1/me")), []);
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  useEffect(() => {
    if (me.data) {
      setFullName(me.data.fullName);
      setEmail(me.data.email);
    }
  }, [me.data]);
  const s = useSubmit(async () => {
    await call(api.PATCH("/api/v1/me", { body: { fullName, email } }));
    await refresh();
    return "Saved.";
  });
  return (
    <form className="panel" onSubmit={s.submit} aria-label="Profile">
      <h2>Name and email</h2>
      <ErrorBox error={me.error} />
      <Field label="Username">
        <input value={me.data?.username ?? ""} disabled />
      </Field>
      <Field label="Full name">
        <input value={fullName} onChange={(e) => setFullName(e.target.value)} maxLength={200} />
      </Field>
      <Field label="Email">
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} />
      </Field>
      <ErrorBox error={s.error} />
      {s.ok && <div className="ok">{s.ok}</div>}
      <button type="submit" className="primary" disabled={s.busy || !me.data}>
        Save
      </button>
    </form>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [again, setAgain] = useState("");
  const s = useSubmit(async () => {
    if (newPassword !== again) throw new Error("The new passwords differ.");
    await call(api.PUT("/api/v1/me/password", { body: { currentPassword, newPassword } }));
    setCurrent("");
    setNew("");
    setAgain("");
    return "Password changed; your other sessions were ended.";
  });
  return (
    <form className="panel" onSubmit={s.submit} aria-label="Change password">
      <h2>Change password</h2>
      <Field label="Current password">
        <input type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} required />
      </Field>
      <Field label="New password (at least 8 characters)">
        <input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} minLength={8} required />
      </Field>
      <Field label="New password again">
        <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} minLength={8} required />
      </Field>
      <ErrorBox error={s.error} />
      {s.ok && <div className="ok">{s.ok}</div>}
      <button type="submit" className="primary" disabled={s.busy}>
        Change password
      </button>
    </form>
  );
}

function PersonalTokens() {
  const tokens = useLoad(() => call(api.GET("/api/v1/me/tokens", { params: { query: { limit: 500 } } })).then((p) => p.items), []);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  return (
    <section className="panel">
      <div className="panel-head">
        <h2>Personal tokens</h2>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create token
        </button>
      </div>
      <p className="muted">Tokens let docker, pip, twine, go, curl and the REST API act as you. Use one in place of your password.</p>
      <ErrorBox error={tokens.error || error} />
      <Loading when={tokens.loading && !tokens.data} />
      {tokens.data && (
        <TokenTable
          tokens={tokens.data}
          onRevoke={async (t) => {
            if (!window.confirm(`Revoke token "${t.name}"? Tools using it stop working at once.`)) return;
            setError(null);
            try {
              await call(api.DELETE("/api/v1/me/tokens/{id}", { params: { path: { id: t.id } } }));
              tokens.reload();
            } catch (e) {
              setError(e as Error);
            }
          }}
        />
      )}
      {creating && (
        <CreateTokenDialog
          create={(body) => call(api.POST("/api/v1/me/tokens", { body }))}
          onClose={() => {
            setCreating(false);
            tokens.reload();
          }}
        />
      )}
    </section>
  );
}
