// Display formats shared by every screen.

/** 1536 → "1.5 KiB"; absent → "—". Binary units, like the registries' clients. */
export function formatBytes(n?: number | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/**
 * Parses an API timestamp; absent, unparseable and zero times (Go's
 * 0001-01-01, the Unix epoch) give undefined so they show as "—", never 1/1/1.
 */
export function parseTime(s?: string | number | Date | null): Date | undefined {
  if (s === undefined || s === null || s === "") return undefined;
  const d = s instanceof Date ? s : new Date(s);
  const t = d.getTime();
  if (isNaN(t) || t <= 0 || d.getUTCFullYear() < 1971) return undefined;
  return d;
}

/** Date and time in the visitor's locale; "—" when absent or zero. */
export function formatDate(s?: string | number | Date | null): string {
  const d = parseTime(s);
  return d ? d.toLocaleString() : "—";
}

/** Date only ("March 3, 2026"); "—" when absent or zero. */
export function formatDay(s?: string | number | Date | null): string {
  const d = parseTime(s);
  return d ? d.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" }) : "—";
}

const rtf = typeof Intl !== "undefined" && "RelativeTimeFormat" in Intl ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : undefined;
const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Infinity],
];

/** "3 minutes ago", "in 2 days"; "—" when absent or zero. `now` is for tests. */
export function formatRelative(s?: string | number | Date | null, now: number = Date.now()): string {
  const d = parseTime(s);
  if (!d) return "—";
  let v = (d.getTime() - now) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(v) < size) {
      const n = Math.round(v);
      return rtf ? rtf.format(n, unit) : `${n} ${unit}s`;
    }
    v /= size;
  }
  return d.toLocaleDateString();
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Natural order: "build-2" before "build-10", case-insensitive. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

/** A sorted copy in natural order, by key when the items are not strings. */
export function naturalSort<T>(items: readonly T[], key: (t: T) => string = (t) => String(t)): T[] {
  return [...items].sort((x, y) => naturalCompare(key(x), key(y)));
}
