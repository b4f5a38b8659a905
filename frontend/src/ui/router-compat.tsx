// The first UI's router API (useRouter, Link, href, match) implemented over
// TanStack Router, so pages not yet ported keep working unchanged. New code
// uses TanStack Router directly (typed `Link`, `useSearch`, `useNavigate`);
// delete this file once no page imports it.
import { useRouter as useTanstackRouter, useRouterState } from "@tanstack/react-router";
import type { AnchorHTMLAttributes } from "react";

type RouterValue = { path: string; query: URLSearchParams; navigate: (to: string, replace?: boolean) => void };

/** The current path, its raw query and a navigate taking "path?query". */
export function useRouter(): RouterValue {
  const router = useTanstackRouter();
  const loc = useRouterState({ select: (s) => s.location });
  return {
    path: loc.pathname,
    query: new URLSearchParams(loc.searchStr),
    navigate: (to, replace = false) => void router.navigate({ href: to, replace, resetScroll: !replace }),
  };
}

/** Matches "/repositories/:name" against a path; params are decoded. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split("/").filter(Boolean);
  const xs = path.split("/").filter(Boolean);
  if (ps.length !== xs.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    if (ps[i].startsWith(":")) out[ps[i].slice(1)] = decodeURIComponent(xs[i]);
    else if (ps[i] !== xs[i]) return null;
  }
  return out;
}

/** A link handled by the router (a plain link for modified clicks). */
export function Link({ to, children, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate } = useRouter();
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        rest.onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** Builds "path?k=v" skipping empty values. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
