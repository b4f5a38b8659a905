// The app shell: top bar (nav, user menu, theme toggle, API links), the
// license banner, the routed page; plus the not-found and error pages.
import { Link, Outlet, useRouter, useRouterState, type ErrorComponentProps } from "@tanstack/react-router";
import { BookOpen, Menu, Moon, Sun, UserRound } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useCallback, useState } from "react";
import { isAdmin, useAuth, useSessionExpiry } from "./api/session";
import { ProblemMessage, formatDay } from "./ui";
import { effectiveTheme, setTheme } from "./ui/theme";

const navItems = [
  { to: "/repositories", label: "Repositories", show: () => true },
  { to: "/search", label: "Search", show: () => true },
  { to: "/profile", label: "Profile", show: (signedIn: boolean) => signedIn },
  { to: "/admin", label: "Administration", show: (_: boolean, admin: boolean) => admin },
] as const;

function ThemeToggle() {
  const [theme, set] = useState(effectiveTheme);
  const next = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      className="ghost icon-button"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => {
        setTheme(next);
        set(next);
      }}
    >
      {theme === "dark" ? <Sun size={16} aria-hidden /> : <Moon size={16} aria-hidden />}
    </button>
  );
}

function TopBar() {
  const { user, logout } = useAuth();
  const router = useRouter();
  const admin = isAdmin(user);
  const items = navItems.filter((i) => i.show(!!user, admin));
  return (
    <header className="topbar">
      {/* Narrow screens: the nav collapses into this menu. */}
      <DropdownMenu.Root>
        <DropdownMenu.Trigger className="ghost icon-button nav-menu-button" aria-label="Main menu">
          <Menu size={18} aria-hidden />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="start" sideOffset={6}>
            {items.map((i) => (
              <DropdownMenu.Item key={i.to} asChild>
                <Link to={i.to}>{i.label}</Link>
              </DropdownMenu.Item>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <Link to="/repositories" className="brand">
        Kodera Packages
      </Link>
      <nav className="main-nav" aria-label="Main">
        {items.map((i) => (
          <Link key={i.to} to={i.to} className="nav" activeProps={{ className: "nav active", "aria-current": "page" }}>
            {i.label}
          </Link>
        ))}
      </nav>
      <div className="spacer" />
      <a className="nav api-link" href="/swagger-ui.html" title="REST API reference (Swagger UI)">
        <BookOpen size={16} aria-hidden /> <span>API</span>
      </a>
      <ThemeToggle />
      {user ? (
        <DropdownMenu.Root>
          <DropdownMenu.Trigger className="ghost user-button" aria-label={`User menu (${user.username})`}>
            <UserRound size={16} aria-hidden /> <span className="who">{user.username}</span>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
              <DropdownMenu.Label className="menu-label">{user.fullName || user.username}</DropdownMenu.Label>
              <DropdownMenu.Item asChild>
                <Link to="/profile">Profile and tokens</Link>
              </DropdownMenu.Item>
              <DropdownMenu.Item asChild>
                <a href="/swagger-ui.html">API reference (Swagger UI)</a>
              </DropdownMenu.Item>
              <DropdownMenu.Item asChild>
                <a href="/v3/api-docs">OpenAPI document (JSON)</a>
              </DropdownMenu.Item>
              <DropdownMenu.Separator className="menu-sep" />
              <DropdownMenu.Item
                onSelect={() => {
                  void logout().finally(() => router.navigate({ to: "/login" }));
                }}
              >
                Log out
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      ) : (
        <Link to="/login" className="nav">
          Log in
        </Link>
      )}
    </header>
  );
}

/** Tells every visitor the instance runs without a license in force, or that it expires soon. */
export function LicenseBanner() {
  const { user, license } = useAuth();
  const manage = isAdmin(user) ? (
    <>
      {" "}
      <Link to="/admin/licensing">Manage the license</Link>.
    </>
  ) : null;
  switch (license?.status) {
    case "evaluation":
      return (
        <div className="license-banner" role="status">
          Evaluation mode: every feature works, with at most 5 active users.{manage}
        </div>
      );
    case "expiring":
      return (
        <div className="license-banner" role="status">
          The license expires on {formatDay(license.expiresAt)}.{manage}
        </div>
      );
    case "expired":
      return (
        <div className="license-banner" role="status">
          The license expired on {formatDay(license.expiresAt)}: evaluation limits apply (at most 5 active users).{manage}
        </div>
      );
    default:
      return null;
  }
}

export function Shell() {
  const router = useRouter();
  const path = useRouterState({ select: (s) => s.location.pathname });
  // A 401 from any call ends the session: re-run the guards.
  useSessionExpiry(useCallback(() => void router.invalidate(), [router]));
  if (path === "/login") {
    return (
      <main>
        <Outlet />
      </main>
    );
  }
  return (
    <>
      <TopBar />
      <LicenseBanner />
      <main>
        <Outlet />
      </main>
    </>
  );
}

export function NotFound() {
  return (
    <div className="page">
      <h1>Not found</h1>
      <p>
        Nothing here. <Link to="/repositories">Go to repositories</Link>.
      </p>
    </div>
  );
}

/** A page the visitor is signed in for but may not see. */
export function Forbidden({ what }: { what: string }) {
  return (
    <div className="page">
      <h1>Not allowed</h1>
      <p role="alert">{what} is for administrators only.</p>
      <p>
        <Link to="/repositories">Go to repositories</Link>.
      </p>
    </div>
  );
}

export function ErrorPage({ error }: ErrorComponentProps) {
  return (
    <div className="page">
      <h1>Something went wrong</h1>
      <ProblemMessage error={error} />
    </div>
  );
}
