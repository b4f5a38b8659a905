// ProblemMessage: shows an API failure the way the server worded it.
import type { Problem } from "../api/client";

/** What to show of an error: the problem's detail, else its title, else the message. */
export function problemText(error: unknown): { text: string; requestId?: string } {
  if (!error) return { text: "" };
  if (typeof error === "string") return { text: error };
  const e = error as Partial<Problem> & { message?: string; problem?: Problem };
  const p: Partial<Problem> = e.problem ?? e;
  const status = typeof p.status === "number" ? p.status : undefined;
  const text = p.detail || p.title || e.message || (status ? `HTTP ${status}` : "Something went wrong.");
  // The request id lets an admin find a server failure in the log.
  const requestId = status !== undefined && status >= 500 && typeof p.requestId === "string" ? p.requestId : undefined;
  return { text, requestId };
}

/** An error box (role=alert) for an ApiError, a problem body or any Error; nothing when error is empty. */
export function ProblemMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const { text, requestId } = problemText(error);
  return (
    <div className="error" role="alert">
      {text}
      {requestId && <div className="request-id">Request ID: <code>{requestId}</code></div>}
    </div>
  );
}
