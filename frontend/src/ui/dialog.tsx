// Dialog and ConfirmDialog over Radix Dialog: modal, focus moved in and
// trapped, Escape and the backdrop close it, focus returns on close.
import { Dialog as D } from "radix-ui";
import { useState, type FormEvent, type ReactNode } from "react";
import { Button } from "./button";
import { ProblemMessage } from "./problem";

export type DialogProps = {
  title: string;
  /** Controlled: shown while open; onClose is called on Escape, backdrop, Cancel. */
  open?: boolean;
  onClose: () => void;
  description?: ReactNode;
  /** When set, the body is a form: submitting runs it; a rejection shows inside. */
  onSubmit?: () => Promise<void> | void;
  submitLabel?: string;
  submitVariant?: "primary" | "danger";
  /** Disables submit (e.g. while a typed confirmation does not match). */
  canSubmit?: boolean;
  wide?: boolean;
  children?: ReactNode;
};

export function Dialog({ title, open = true, onClose, description, onSubmit, submitLabel = "Save", submitVariant = "primary", canSubmit = true, wide, children }: DialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // A dialog opened from inside another is portalled out of its DOM but not
    // out of its React tree: without this the submit would also reach (and
    // close) the outer dialog's form.
    e.stopPropagation();
    if (!onSubmit) return onClose();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <D.Root open={open} onOpenChange={(o) => !o && onClose()}>
      <D.Portal>
        <D.Overlay className="backdrop" />
        <D.Content className={wide ? "dialog wide" : "dialog"}>
          <form onSubmit={submit}>
            <D.Title>{title}</D.Title>
            {description ? <D.Description className="muted">{description}</D.Description> : <D.Description className="sr-only">{title}</D.Description>}
            {children}
            <ProblemMessage error={error} />
            <div className="actions">
              <Button onClick={onClose}>{onSubmit ? "Cancel" : "Close"}</Button>
              {onSubmit && (
                <Button type="submit" variant={submitVariant} busy={busy} disabled={!canSubmit}>
                  {submitLabel}
                </Button>
              )}
            </div>
          </form>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

export type ConfirmDialogProps = {
  title: string;
  /** What will happen, in words ("Delete 3 tags? This cannot be undone."). */
  message: ReactNode;
  confirmLabel?: string;
  /** Destructive actions are red. Defaults to true. */
  destructive?: boolean;
  /** When set, the user must type this (e.g. the repository's name) to confirm. */
  typedName?: string;
  open?: boolean;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
};

/** A confirmation for destructive actions; the typedName option guards the irreversible ones. */
export function ConfirmDialog({ title, message, confirmLabel = "Delete", destructive = true, typedName, open = true, onConfirm, onClose }: ConfirmDialogProps) {
  const [typed, setTyped] = useState("");
  return (
    <Dialog
      title={title}
      open={open}
      onClose={onClose}
      description={message}
      onSubmit={onConfirm}
      submitLabel={confirmLabel}
      submitVariant={destructive ? "danger" : "primary"}
      canSubmit={!typedName || typed === typedName}
    >
      {typedName && (
        <label className="field">
          <span>
            Type <strong>{typedName}</strong> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
        </label>
      )}
    </Dialog>
  );
}
