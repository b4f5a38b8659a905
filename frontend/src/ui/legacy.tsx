// The first UI's building blocks, kept so pages not yet ported work
// unchanged. New code uses the kit (src/ui/index.ts) and TanStack Query;
// delete what no page imports any more.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { CopyButton } from "./copy-button";
import { Dialog as KitDialog } from "./dialog";
import { formatBytes, formatDate } from "./format";

export { CopyButton };

/** Loads data with f whenever deps change; reload() runs it again. */
export function useLoad<T>(f: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ data: s.data, loading: true }));
    f().then(
      (data) => n === seq.current && setState({ data, loading: false }),
      (error: Error) => n === seq.current && setState({ error, loading: false }),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function ErrorBox({ error }: { error?: Error | null }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error.message}
    </div>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? <div className="muted">Loading…</div> : null;
}

/** A modal dialog holding a form (now the kit's Radix Dialog: focus trapped). */
export function Dialog(props: { title: string; submit?: string; onClose: () => void; onSubmit?: () => Promise<void>; children: ReactNode; wide?: boolean }) {
  return (
    <KitDialog title={props.title} onClose={props.onClose} onSubmit={props.onSubmit} submitLabel={props.submit || "Save"} wide={props.wide}>
      {props.children}
    </KitDialog>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Tabs<T extends string>(props: { tabs: readonly T[]; value: T; onChange: (t: T) => void; labels?: Record<T, string> }) {
  return (
    <div className="tabs" role="tablist">
      {props.tabs.map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={t === props.value}
          className={t === props.value ? "tab active" : "tab"}
          onClick={() => props.onChange(t)}
        >
          {props.labels?.[t] ?? t}
        </button>
      ))}
    </div>
  );
}

/** A command block with a copy button. */
export function Code({ text }: { text: string }) {
  return (
    <div className="code">
      <pre>{text}</pre>
      <CopyButton text={text} />
    </div>
  );
}

export function fmtDate(s?: string): string {
  return formatDate(s);
}

export function fmtSize(n?: number): string {
  return formatBytes(n);
}
