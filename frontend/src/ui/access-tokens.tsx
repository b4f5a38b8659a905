// Access tokens, shared by Profile (personal tokens) and Administration >
// Services (service-account tokens): the list with revoke and bulk revoke,
// and the create dialog that shows the secret exactly once.
import { useState } from "react";
import * as z from "zod";
import type { Schema } from "../api/client";
import { runBulk, type BulkResult } from "./bulk";
import { BulkReport, bulkSummary } from "./bulk-report";
import { Button } from "./button";
import { CopyButton } from "./copy-button";
import { DataTable, type ColumnDef } from "./data-table";
import { ConfirmDialog, Dialog } from "./dialog";
import { Field, useZodForm } from "./form";
import { formatDate, formatDay, formatRelative } from "./format";
import { ProblemMessage } from "./problem";
import { useToast } from "./toast";

export type Token = Schema<"Token">;
export type TokenCreate = Schema<"TokenCreate">;
export type CreatedToken = Schema<"CreatedToken">;

export const tokenExpiries = [
  ["7", "in 7 days"],
  ["30", "in 30 days"],
  ["90", "in 90 days"],
  ["365", "in a year"],
  ["never", "never"],
] as const;

/** Repository names typed as "a, b c" → ["a", "b", "c"] (duplicates dropped). */
export function parseRepositoryList(s: string): string[] {
  return [...new Set(s.split(/[\s,]+/).filter(Boolean))];
}

export const tokenFormSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(100, "At most 100 characters."),
  expires: z.enum(["7", "30", "90", "365", "never"]),
  scope: z.enum(["read", "write", "admin"]),
  repositories: z
    .string()
    .refine((s) => parseRepositoryList(s).length <= 100, "At most 100 repositories.")
    .refine((s) => parseRepositoryList(s).every((r) => /^[a-z0-9][a-z0-9._-]{0,63}$/.test(r)), "Repository names are lower case letters, digits, '.', '_' and '-'."),
});
export type TokenFormValues = z.input<typeof tokenFormSchema>;

/** The POST body for the form's values; `now` fixes the clock for tests. */
export function tokenCreateBody(v: z.output<typeof tokenFormSchema>, now = Date.now()): TokenCreate {
  const body: TokenCreate = { name: v.name, scopes: [v.scope] };
  if (v.expires !== "never") body.expiresAt = new Date(now + Number(v.expires) * 86_400_000).toISOString();
  const repos = parseRepositoryList(v.repositories);
  if (repos.length) body.repositories = repos;
  return body;
}

/** Asks for name, expiry, scope and an optional repository limit, then shows the secret once. */
export function CreateTokenDialog({ create, onClose, onCreated }: { create: (b: TokenCreate) => Promise<CreatedToken>; onClose: () => void; onCreated?: (t: CreatedToken) => void }) {
  const form = useZodForm(tokenFormSchema, { defaultValues: { name: "", expires: "90", scope: "write", repositories: "" } });
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const errors = form.formState.errors;
  if (created) return <TokenSecretDialog token={created} onClose={onClose} />;
  return (
    <Dialog
      title="Create token"
      submitLabel="Create"
      onClose={onClose}
      onSubmit={async () => {
        let failure: unknown;
        await form.handleSubmit(async (v) => {
          try {
            const t = await create(tokenCreateBody(v));
            setCreated(t);
            onCreated?.(t);
          } catch (e) {
            failure = e;
          }
        })();
        if (failure) throw failure;
      }}
    >
      <Field label="Name" error={errors.name}>
        <input {...form.register("name")} maxLength={100} autoFocus placeholder="e.g. laptop, ci" autoComplete="off" />
      </Field>
      <Field label="Expires" error={errors.expires}>
        <select {...form.register("expires")}>
          {tokenExpiries.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="field">
        <legend>Scope</legend>
        <label className="radio">
          <input type="radio" value="read" {...form.register("scope")} /> read <span className="muted">— download and browse</span>
        </label>
        <label className="radio">
          <input type="radio" value="write" {...form.register("scope")} /> read and write <span className="muted">— also publish and delete</span>
        </label>
        <label className="radio">
          <input type="radio" value="admin" {...form.register("scope")} /> admin <span className="muted">— also repository settings and grants; without a repository limit, the account and administration</span>
        </label>
      </fieldset>
      <Field label="Repositories (optional)" hint="Comma separated; empty means every repository the owner may reach." error={errors.repositories}>
        <input {...form.register("repositories")} autoComplete="off" spellCheck={false} />
      </Field>
    </Dialog>
  );
}

/** The new token's secret, shown this once with a copy button. */
export function TokenSecretDialog({ token, onClose }: { token: CreatedToken; onClose: () => void }) {
  return (
    <Dialog title="Token created" onClose={onClose} description={<>Copy the token now: <strong>you will not see it again.</strong> Only a hash is kept.</>}>
      <div className="code token-secret">
        <pre aria-label="Token secret">{token.secret}</pre>
        <CopyButton text={token.secret} label="Copy token" />
      </div>
      <p className="muted">
        Use it in place of a password (docker login, pip, twine, go, curl) or as <code>Authorization: Bearer …</code> for the REST API.
      </p>
    </Dialog>
  );
}

export type TokensListProps = {
  /** The table's accessible name. */
  label: string;
  rows: Token[] | undefined;
  total: number;
  loading?: boolean;
  error?: unknown;
  page: number;
  pageSize?: number;
  onPage: (page: number) => void;
  create: (b: TokenCreate) => Promise<CreatedToken>;
  revoke: (t: Token) => Promise<unknown>;
  /** Called after any change (to refetch). */
  onChanged: () => void;
  /** Shown when there are no tokens at all. */
  empty?: React.ReactNode;
};

const tokenName = (t: Token) => `${t.name} (${t.prefix}…)`;

/** A token list with Create, Revoke (confirmed) and bulk Revoke (confirmed, failures per row). */
export function TokensList(p: TokensListProps) {
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [bulk, setBulk] = useState<{ tokens: Token[]; clear: () => void } | null>(null);
  const [report, setReport] = useState<BulkResult<Token> | null>(null);
  const columns: ColumnDef<Token, unknown>[] = [
    { id: "name", header: "Name", cell: ({ row }) => <span className="strong">{row.original.name}</span> },
    { id: "prefix", header: "Prefix", cell: ({ row }) => <span className="mono">{row.original.prefix}…</span> },
    {
      id: "scopes",
      header: "Scopes",
      cell: ({ row }) => (
        <>
          {row.original.scopes.join(", ")}
          {row.original.repositories?.length ? <span className="muted"> on {row.original.repositories.join(", ")}</span> : null}
        </>
      ),
    },
    { id: "created", header: "Created", cell: ({ row }) => <span className="muted nowrap" title={formatDate(row.original.createdAt)}>{formatDay(row.original.createdAt)}</span> },
    {
      id: "expires",
      header: "Expires",
      cell: ({ row }) => <span className="muted nowrap" title={formatDate(row.original.expiresAt)}>{row.original.expiresAt ? formatDay(row.original.expiresAt) : "never"}</span>,
    },
    {
      id: "lastUsed",
      header: "Last used",
      cell: ({ row }) => <span className="muted nowrap" title={formatDate(row.original.lastUsedAt)}>{row.original.lastUsedAt ? formatRelative(row.original.lastUsedAt) : "never"}</span>,
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <Button size="small" variant="danger" aria-label={`Revoke ${row.original.name}`} onClick={() => setRevoking(row.original)}>
          Revoke
        </Button>
      ),
    },
  ];
  return (
    <>
      <div className="panel-head">
        <span />
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create token
        </Button>
      </div>
      <ProblemMessage error={p.error} />
      <BulkReport result={report} name={tokenName} onDismiss={() => setReport(null)} />
      <DataTable
        label={p.label}
        columns={columns}
        rows={p.rows}
        total={p.total}
        loading={p.loading}
        getRowId={tokenName}
        page={p.page}
        pageSize={p.pageSize}
        onPage={p.onPage}
        empty={p.empty ?? <p>No tokens yet.</p>}
        rowProps={(t) => ({ "data-token": t.name })}
        bulkActions={(selected, clear) => (
          <Button size="small" variant="danger" onClick={() => setBulk({ tokens: selected, clear })}>
            Revoke selected
          </Button>
        )}
      />
      {creating && (
        <CreateTokenDialog
          create={p.create}
          onCreated={(t) => {
            toast.success(`Token "${t.name}" created.`);
            p.onChanged();
          }}
          onClose={() => setCreating(false)}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke token"
          message={`Revoke "${revoking.name}"? Tools using it stop working at once.`}
          confirmLabel="Revoke"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await p.revoke(revoking);
            toast.success(`Token "${revoking.name}" revoked.`);
            setRevoking(null);
            p.onChanged();
          }}
        />
      )}
      {bulk && (
        <ConfirmDialog
          title="Revoke tokens"
          message={`Revoke ${bulk.tokens.length} token${bulk.tokens.length === 1 ? "" : "s"}? Tools using them stop working at once.`}
          confirmLabel="Revoke"
          onClose={() => setBulk(null)}
          onConfirm={async () => {
            const result = await runBulk(bulk.tokens, p.revoke);
            setReport(result);
            (result.failed.length ? toast.error : toast.success)(bulkSummary(result, "Revoked", "token"));
            bulk.clear();
            setBulk(null);
            p.onChanged();
          }}
        />
      )}
    </>
  );
}
