// UrlFilter: a search box bound to the route's `q` search param (typing is
// debounced into the URL, which also goes back to page 1), so a filter
// survives reloads, links and back/forward.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useState } from "react";

export function UrlFilter({ label, placeholder }: { label: string; placeholder?: string }) {
  const q = ((useSearch({ strict: false }) as { q?: string }).q ?? "") as string;
  const navigate = useNavigate();
  const [text, setText] = useState(q);
  // Follow the URL when it changes from elsewhere ("Clear filters", back).
  useEffect(() => {
    if (q !== text.trim()) setText(q);
  }, [q]);
  useEffect(() => {
    if (text.trim() === q) return;
    const t = setTimeout(
      () => void navigate({ to: ".", search: ((prev: Record<string, unknown>) => ({ ...prev, q: text.trim() || undefined, page: undefined })) as never, replace: true }),
      250,
    );
    return () => clearTimeout(t);
  }, [text]);
  return (
    <input type="search" className="url-filter" aria-label={label} placeholder={placeholder ?? label} value={text} onChange={(e) => setText(e.target.value)} />
  );
}

/** "Clear filters": drops q (and the page) from the URL. */
export function useClearFilter(): () => void {
  const navigate = useNavigate();
  return () => void navigate({ to: ".", search: ((prev: Record<string, unknown>) => ({ ...prev, q: undefined, page: undefined })) as never, replace: true });
}
