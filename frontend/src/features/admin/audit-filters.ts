// The audit log's filters: URL search params ⇄ form values ⇄ API query.
import { pageToRange } from "../../ui";

export type AuditSearch = { actor?: string; action?: string; since?: string; until?: string; page?: number };
export type AuditFilterValues = { actor: string; action: string; since: string; until: string };

/** Exact action ("login") or a prefix ending in "." ("token."); "" is no filter. */
export function actionFilterError(action: string): string | undefined {
  if (!action) return undefined;
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(action) ? undefined : "An action (login, token.create) or a prefix ending in '.' (token.).";
}

/** A datetime-local value ("2026-12-02T05:30", local time) → ISO, or undefined. */
export function localInputToIso(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** ISO (from the URL) → a datetime-local value in local time; "" when absent or bad. */
export function isoToLocalInput(iso?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function searchToValues(s: AuditSearch): AuditFilterValues {
  return { actor: s.actor ?? "", action: s.action ?? "", since: isoToLocalInput(s.since), until: isoToLocalInput(s.until) };
}

/** Errors per field of the filter form (empty when it may be applied). */
export function validateFilters(v: AuditFilterValues): Partial<Record<keyof AuditFilterValues, string>> {
  const errors: Partial<Record<keyof AuditFilterValues, string>> = {};
  const a = actionFilterError(v.action.trim());
  if (a) errors.action = a;
  const since = localInputToIso(v.since);
  const until = localInputToIso(v.until);
  if (since && until && since >= until) errors.until = "Must be after “since”.";
  return errors;
}

/** The URL search for applied filters (page back to 1; empty values dropped). */
export function valuesToSearch(v: AuditFilterValues): AuditSearch {
  const t = (s: string) => s.trim() || undefined;
  return { actor: t(v.actor), action: t(v.action), since: localInputToIso(v.since), until: localInputToIso(v.until), page: undefined };
}

/** The API query for the URL's search: only well-formed filters, and the page's range. */
export function auditQuery(s: AuditSearch, pageSize: number) {
  const iso = (v?: string) => (v && !Number.isNaN(new Date(v).getTime()) ? new Date(v).toISOString() : undefined);
  return {
    actor: s.actor || undefined,
    action: s.action && !actionFilterError(s.action) ? s.action : undefined,
    since: iso(s.since),
    until: iso(s.until),
    ...pageToRange(s.page, pageSize),
  };
}

export const isFiltered = (s: AuditSearch) => !!(s.actor || s.action || s.since || s.until);
