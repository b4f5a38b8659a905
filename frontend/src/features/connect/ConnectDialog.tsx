// The Connect dialog of a repository page: a tab per client of the
// repository's type, each with its set-up, Pull/Install and Push/Publish
// blocks (snippets.ts) and a copy button on every block. The "use a token"
// strip creates a personal token limited to this repository, with an
// expiry, shows its secret once and substitutes it into the displayed text
// only: nothing is stored, closing the dialog forgets it.
import { Check, Copy, KeyRound, X } from "lucide-react";
import { Dialog, Tabs } from "radix-ui";
import { useId, useState } from "react";
import { api, ApiError, call, type RepositoryType } from "../../api/client";
import { copyText } from "../../ui/copy";
import css from "./connect.module.css";
import { snippetsFor, type Block, type RepoType } from "./snippets";
import { tokenRequest } from "./token";

export interface ConnectDialogProps {
  repository: { name: string; type: RepositoryType };
  /** system/info's baseUrl: this server's external address. */
  baseUrl: string;
  /** GET /api/v1/me's username; absent for an anonymous visitor (no token strip). */
  username?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function ConnectDialog({ repository, baseUrl, username, open, onOpenChange }: ConnectDialogProps) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={css.overlay} />
        <Dialog.Content className={css.content}>
          {/* Mounted only while open, so a created secret dies with it. */}
          <ConnectBody repository={repository} baseUrl={baseUrl} username={username} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function ConnectBody({ repository, baseUrl, username }: Pick<ConnectDialogProps, "repository" | "baseUrl" | "username">) {
  const [secret, setSecret] = useState<string>();
  const clients = snippetsFor({ baseUrl, repository: repository.name, type: repository.type as RepoType, username, secret });
  return (
    <>
      <div className={css.header}>
        <Dialog.Title className={css.title}>Connect to {repository.name}</Dialog.Title>
        <Dialog.Close className={css.close} aria-label="Close">
          <X size={18} aria-hidden />
        </Dialog.Close>
      </div>
      <Dialog.Description className={css.description}>
        Clients sign in with a personal token in place of a password. Reading a public repository needs no credentials.
      </Dialog.Description>
      {username && <TokenStrip repository={repository.name} onCreated={setSecret} secret={secret} />}
      <Tabs.Root key={repository.type} defaultValue={clients[0]?.id}>
        <Tabs.List className={css.tabList} aria-label="Client">
          {clients.map((c) => (
            <Tabs.Trigger key={c.id} value={c.id} className={css.tab}>
              {c.label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {clients.map((c) => (
          <Tabs.Content key={c.id} value={c.id}>
            {c.setup.length > 0 && <Section title="Set up" blocks={c.setup} />}
            <Section title="Pull / Install" blocks={c.pull} />
            <Section title="Push / Publish" blocks={c.push} />
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </>
  );
}

function Section({ title, blocks }: { title: string; blocks: Block[] }) {
  return (
    <section aria-label={title}>
      <h3 className={css.section}>{title}</h3>
      {blocks.map((b) => (
        <CodeBlock key={b.title} block={b} />
      ))}
    </section>
  );
}

function CodeBlock({ block }: { block: Block }) {
  return (
    <div>
      <h4 className={css.blockTitle}>
        {block.title}
        {block.file && <> — {block.file}</>}
      </h4>
      <div className={css.code}>
        <pre>{block.code}</pre>
        <CopyButton text={block.code} label={`Copy: ${block.title}`} />
      </div>
    </div>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const onClick = async () => {
    setState((await copyText(text)) ? "copied" : "failed");
  };
  return (
    <button type="button" className={css.copy} onClick={onClick} aria-label={label} title={state === "failed" ? "Copy failed: select the text" : "Copy"}>
      {state === "copied" ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Select to copy" : ""}</span>
    </button>
  );
}

const lifetimes = [
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
];

function TokenStrip({ repository, secret, onCreated }: { repository: string; secret?: string; onCreated: (s: string) => void }) {
  const [scope, setScope] = useState<"read" | "write">("write");
  const [days, setDays] = useState(7);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [expiresAt, setExpiresAt] = useState<string>();
  const ids = useId();
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body = tokenRequest(repository, scope, days);
      const t = await call(api.POST("/api/v1/me/tokens", { body }));
      setExpiresAt(t.expiresAt ?? body.expiresAt);
      onCreated(t.secret);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  if (secret) {
    return (
      <div className={css.tokenStrip} role="status">
        <KeyRound size={16} aria-hidden />
        <span className={css.ok}>Token created for {repository}, shown this once, in the commands below too:</span>
        <code className={css.secret}>{secret}</code>
        <CopyButtonInline text={secret} />
        {expiresAt && <span>Expires {new Date(expiresAt).toLocaleString()}.</span>}
      </div>
    );
  }
  return (
    <div className={css.tokenStrip}>
      <KeyRound size={16} aria-hidden />
      <span>Use a token for {repository}:</span>
      <label htmlFor={`${ids}-scope`}>access</label>
      <select id={`${ids}-scope`} value={scope} onChange={(e) => setScope(e.target.value as "read" | "write")}>
        <option value="read">read (pull)</option>
        <option value="write">write (pull and push)</option>
      </select>
      <label htmlFor={`${ids}-days`}>expires in</label>
      <select id={`${ids}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
        {lifetimes.map((l) => (
          <option key={l.days} value={l.days}>
            {l.label}
          </option>
        ))}
      </select>
      <button type="button" onClick={create} disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </button>
      {error && (
        <span className={css.error} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function CopyButtonInline({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" onClick={async () => setDone(await copyText(text))} aria-label="Copy the token">
      {done ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
    </button>
  );
}
