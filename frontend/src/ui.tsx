// Small shared building blocks: data loading, error display, dialogs, tabs.
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";

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

/** A modal dialog holding a form; onSubmit errors are shown inside it. */
export function Dialog(props: {
  title: string;
  submit?: string;
  onClose: () => void;
  onSubmit?: () => Promise<void>;
  children: ReactNode;
  wide?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    const f = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
    window.addEventListener("keydown", f);
    return () => window.removeEventListener("keydown", f);
  }, [props.onClose]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!props.onSubmit) return props.onClose();
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <form className={props.wide ? "dialog wide" : "dialog"} role="dialog" aria-label={props.title} onSubmit={submit}>
        <h2>{props.title}</h2>
        {props.children}
        <ErrorBox error={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            {props.onSubmit ? "Cancel" : "Close"}
          </button>
          {props.onSubmit && (
            <button type="submit" className="primary" disabled={busy}>
              {props.submit || "Save"}
            </button>
          )}
        </div>
      </form>
    </div>
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

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API needs a secure context; fall back to a hidden textarea.
      const ta = document.createElement("textarea");
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      document.execCommand("copy");
      ta.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" className="small" onClick={copy}>
      {done ? "Copied" : label}
    </button>
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
  if (!s) return "—";
  const d = new Date(s);
  return isNaN(d.getTime()) ? s : d.toLocaleString();
}

export function fmtSize(n?: number): string {
  if (n === undefined || n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
