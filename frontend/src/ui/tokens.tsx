// Token lists and the create-token dialog, shared by Profile (personal tokens)
// and Administration > Services (service-account tokens).
import { useState } from "react";
import type { Schema } from "../api/client";
import { Code, Dialog, Field, fmtDate } from "./legacy";

type Token = Schema<"Token">;
type TokenCreate = Schema<"TokenCreate">;
type CreatedToken = Schema<"CreatedToken">;

export function TokenTable({ tokens, onRevoke }: { tokens: Token[]; onRevoke: (t: Token) => void }) {
  return (
    <table className="list" aria-label="Tokens">
      <thead>
        <tr>
          <th>Name</th>
          <th>Prefix</th>
          <th>Scopes</th>
          <th>Created</th>
          <th>Expires</th>
          <th>Last used</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id}>
            <td className="strong">{t.name}</td>
            <td className="mono">{t.prefix}…</td>
            <td>
              {t.scopes.join(", ")}
              {t.repositories?.length ? <span className="muted"> on {t.repositories.join(", ")}</span> : null}
            </td>
            <td className="muted">{fmtDate(t.createdAt)}</td>
            <td className="muted">{t.expiresAt ? fmtDate(t.expiresAt) : "never"}</td>
            <td className="muted">{fmtDate(t.lastUsedAt)}</td>
            <td className="right">
              <button type="button" className="small danger" onClick={() => onRevoke(t)}>
                Revoke
              </button>
            </td>
          </tr>
        ))}
        {tokens.length === 0 && (
          <tr>
            <td colSpan={7} className="muted center">
              No tokens.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** Asks for name, expiry and scopes, then shows the secret once. */
export function CreateTokenDialog({ create, onClose }: { create: (b: TokenCreate) => Promise<CreatedToken>; onClose: () => void }) {
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [scope, setScope] = useState<"read" | "write" | "admin">("write");
  const [repos, setRepos] = useState("");
  const [created, setCreated] = useState<CreatedToken | null>(null);
  if (created)
    return (
      <Dialog title="Token created" onClose={onClose}>
        <p>
          Copy the token now: <strong>it is not shown again.</strong>
        </p>
        <Code text={created.secret} />
      </Dialog>
    );
  return (
    <Dialog
      title="Create token"
      submit="Create"
      onClose={onClose}
      onSubmit={async () => {
        const body: TokenCreate = { name, scopes: [scope] };
        if (days) body.expiresAt = new Date(Date.now() + Number(days) * 86400_000).toISOString();
        const rs = repos.split(/[\s,]+/).filter(Boolean);
        if (rs.length) body.repositories = rs;
        setCreated(await create(body));
      }}
    >
      <Field label="Name">
        <input name="tokenName" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoFocus placeholder="e.g. laptop, ci" />
      </Field>
      <Field label="Expires">
        <select value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="7">in 7 days</option>
          <option value="30">in 30 days</option>
          <option value="90">in 90 days</option>
          <option value="365">in a year</option>
          <option value="">never</option>
        </select>
      </Field>
      <fieldset className="field">
        <legend>Scopes</legend>
        <label className="radio">
          <input type="radio" checked={scope === "read"} onChange={() => setScope("read")} /> read <span className="muted">— download and browse</span>
        </label>
        <label className="radio">
          <input type="radio" checked={scope === "write"} onChange={() => setScope("write")} /> read and write <span className="muted">— also publish and delete</span>
        </label>
        <label className="radio">
          <input type="radio" checked={scope === "admin"} onChange={() => setScope("admin")} /> admin{" "}
          <span className="muted">— also repository settings, grants and deletion; without a repository limit, your account and administration</span>
        </label>
      </fieldset>
      <Field label="Repositories (optional, comma separated; empty = all you may reach)">
        <input value={repos} onChange={(e) => setRepos(e.target.value)} />
      </Field>
    </Dialog>
  );
}
