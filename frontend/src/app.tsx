// Layout and routes.
import { useEffect, type ReactNode } from "react";
import { isAdmin, useAuth } from "./auth";
import { href, Link, match, useRouter } from "./router";
import { LoginPage } from "./pages/login";
import { RepositoriesPage } from "./pages/repositories";
import { RepositoryPage } from "./pages/repository";
import { SearchPage } from "./pages/search";
import { ProfilePage } from "./pages/profile";
import { AdminPage } from "./pages/admin";

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const { path } = useRouter();
  const active = path === to || path.startsWith(to + "/");
  return (
    <Link to={to} className={active ? "nav active" : "nav"}>
      {children}
    </Link>
  );
}

function TopBar() {
  const { user, logout } = useAuth();
  const { navigate } = useRouter();
  return (
    <header className="topbar">
      <Link to="/repositories" className="brand">
        Kodera Packages
      </Link>
      <nav>
        <NavLink to="/repositories">Repositories</NavLink>
        <NavLink to="/search">Search</NavLink>
        {user && <NavLink to="/profile">Profile</NavLink>}
        {isAdmin(user) && <NavLink to="/admin">Administration</NavLink>}
      </nav>
      <div className="spacer" />
      {user ? (
        <>
          <span className="who" title={user.fullName}>
            {user.username}
          </span>
          <button type="button" className="ghost" onClick={() => logout().finally(() => navigate("/login"))}>
            Logout
          </button>
        </>
      ) : (
        <Link to="/login" className="nav">
          Log in
        </Link>
      )}
    </header>
  );
}

function day(iso?: string): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" }) : "";
}

// LicenseBanner tells every visitor the instance runs without a license in
// force (evaluation, or expired) or that the license expires soon.
function LicenseBanner() {
  const { user, license } = useAuth();
  const manage = isAdmin(user) ? (
    <>
      {" "}
      <Link to="/admin/licensing">Manage the license</Link>.
    </>
  ) : null;
  switch (license.status) {
    case "evaluation":
      return (
        <div className="license-banner" role="status">
          Evaluation mode: every feature works, with at most 5 active users.{manage}
        </div>
      );
    case "expiring":
      return (
        <div className="license-banner" role="status">
          The license expires on {day(license.expiresAt)}.{manage}
        </div>
      );
    case "expired":
      return (
        <div className="license-banner" role="status">
          The license expired on {day(license.expiresAt)}: evaluation limits apply (at most 5 active users).{manage}
        </div>
      );
    default:
      return null;
  }
}

function Redirect({ to }: { to: string }) {
  const { navigate } = useRouter();
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function Routes() {
  const { path } = useRouter();
  const { user, guestAccess } = useAuth();
  if (user === undefined) return <div className="muted page">Loading…</div>;
  if (path === "/login") return <LoginPage />;
  const anonymousOK = guestAccess && (path === "/" || path.startsWith("/repositories") || path === "/search");
  if (!user && !anonymousOK) return <Redirect to={href("/login", { next: path === "/" ? undefined : path })} />;

  let m: Record<string, string> | null;
  if (path === "/" || path === "") return <Redirect to="/repositories" />;
  if (path === "/repositories") return <RepositoriesPage />;
  if ((m = match("/repositories/:name", path))) return <RepositoryPage name={m.name} />;
  if (path === "/search") return <SearchPage />;
  if (path === "/profile") return <ProfilePage />;
  if (path === "/admin") return <Redirect to="/admin/users" />;
  if ((m = match("/admin/:section", path))) return <AdminPage section={m.section} />;
  return (
    <div className="page">
      <h1>Not found</h1>
      <p>
        Nothing here. <Link to="/repositories">Go to repositories</Link>.
      </p>
    </div>
  );
}

export function App() {
  const { path } = useRouter();
  return (
    <>
      {path !== "/login" && <TopBar />}
      {path !== "/login" && <LicenseBanner />}
      <main>
        <Routes />
      </main>
    </>
  );
}
