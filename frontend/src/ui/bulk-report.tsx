// BulkReport: what a bulk action did, with one line per failed row (the
// server's own words), so a partial failure is never hidden behind a total.
import type { BulkResult } from "./bulk";
import { problemText } from "./problem";

/** "Deleted 3 users." / "Deleted 2 users; 1 failed." — the toast after a bulk action. */
export function bulkSummary(result: BulkResult<unknown>, verb: string, noun: string, plural = `${noun}s`): string {
  const n = result.ok.length;
  const what = `${verb} ${n} ${n === 1 ? noun : plural}`;
  return result.failed.length ? `${what}; ${result.failed.length} failed.` : `${what}.`;
}

/** The failures of a bulk action, each with its row name and the problem's detail. */
export function BulkReport<T>({ result, name, onDismiss }: { result: BulkResult<T> | null; name: (t: T) => string; onDismiss?: () => void }) {
  if (!result || result.failed.length === 0) return null;
  return (
    <div className="error bulk-report" role="alert">
      <p>
        {result.failed.length} of {result.failed.length + result.ok.length} failed:
      </p>
      <ul>
        {result.failed.map((f) => (
          <li key={name(f.item)}>
            <strong>{name(f.item)}</strong>: {problemText(f.error).text}
          </li>
        ))}
      </ul>
      {onDismiss && (
        <button type="button" className="small" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
