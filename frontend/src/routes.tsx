// The route tree (code-based). Every URL of the app, its search params
// (validated with zod: a bad value falls back to its default, never an
// error page) and its guard live here; each area's component is a lazy chunk
// from src/features/<area>. A feature fills in its components; it adds a
// route here, with its search schema.
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect, useParams } from "@tanstack/react-router";
import type { QueryClient } from "@tanstack/react-query";
import * as z from "zod/mini";
import { ensureSession, isAdmin } from "./api/session";
import { queryClient } from "./api/query";
import { ErrorPage, Forbidden, NotFound, Shell } from "./shell";

/** An optional string param ("" counts as absent). */
const str = z.catch(z.optional(z.string().check(z.trim(), z.minLength(1))), undefined);
/** A 1-based page number. */
const page = z.catch(z.optional(z.coerce.number().check(z.int(), z.minimum(1))), undefined);
/** A sort key: a column id, "-" in front for descending ("-updatedAt"). */
const sort = z.catch(z.optional(z.string().check(z.regex(/^-?[A-Za-z][A-Za-z0-9_.]*$/))), undefined);
const enumOf = <const T extends readonly string[]>(values: T) => z.catch(z.optional(z.enum(values)), undefined);

export const repositoryTypes = ["docker", "pypi", "go", "files"] as const;

export const searchSchemas = {
  login: z.object({ next: str }),
  repositories: z.object({ q: str, type: enumOf(repositoryTypes), sort, page }),
  /**
   * The repository page's view state, per type: docker (image → tag/digest →
   * tab), pypi (project → version), go (module → version), files (path, file).
   */
  repository: z.object({
    image: str,
    tag: str,
    digest: str,
    tab: str,
    project: str,
    module: str,
    version: str,
    path: z.catch(z.optional(z.string()), undefined),
    file: str,
    q: str,
    sort,
    page,
    settings: enumOf(["general", "permissions"]),
  }),
  search: z.object({ q: str, kind: enumOf(["repositories", "packages", "files"]), type: enumOf(repositoryTypes), repository: str, page }),
  profile: z.object({ page }),
  adminUsers: z.object({ q: str, sort, page }),
  adminServices: z.object({ q: str, page, service: str }),
  adminAudit: z.object({ actor: str, action: str, since: str, until: str, page, offset: z.catch(z.optional(z.coerce.number().check(z.int(), z.minimum(0))), undefined) }),
  empty: z.object({}),
};

export type RouterContext = { queryClient: QueryClient };

const rootRoute = createRootRouteWithContext<RouterContext>()({
  // Decides nothing before system/info AND the session check have answered
  // (an anonymous deep link to a public repository must not bounce to login).
  beforeLoad: async ({ context }) => ensureSession(context.queryClient),
  component: Shell,
  notFoundComponent: NotFound,
  errorComponent: ErrorPage,
});

type Guarded = { context: Awaited<ReturnType<typeof ensureSession>>; location: { href: string; pathname: string } };

function toLogin(location: Guarded["location"]): never {
  throw redirect({ to: "/login", search: { next: location.pathname === "/" ? undefined : location.href }, replace: true });
}
/** Anonymous visitors may browse only with guest access on. */
export function visitorGuard({ context, location }: Guarded) {
  if (!context.user && !context.info.guestAccess) toLogin(location);
}
export function userGuard({ context, location }: Guarded) {
  if (!context.user) toLogin(location);
}

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/repositories", replace: true });
  },
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: searchSchemas.login,
  component: lazyRouteComponent(() => import("./features/auth"), "LoginPage"),
});

const repositoriesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/repositories",
  validateSearch: searchSchemas.repositories,
  beforeLoad: visitorGuard,
  component: lazyRouteComponent(() => import("./features/repositories"), "RepositoriesPage"),
});

// The repository page is the repositories feature's; the content of each
// type and the Connect dialog come from their own features, plugged in here.
const RepositoryPage = lazyRouteComponent(() => import("./features/repositories"), "RepositoryPage");
const repositoryViews = {
  docker: lazyRouteComponent(() => import("./features/containers"), "DockerBrowser"),
  pypi: lazyRouteComponent(() => import("./features/pypi"), "PypiContent"),
  go: lazyRouteComponent(() => import("./features/go"), "GoContent"),
  files: lazyRouteComponent(() => import("./features/files"), "FilesBrowser"),
};
const ConnectDialog = lazyRouteComponent(() => import("./features/connect"), "RepositoryConnect");

const repositoryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/repositories/$name",
  validateSearch: searchSchemas.repository,
  beforeLoad: visitorGuard,
  component: function RepositoryRoute() {
    const { name } = useParams({ from: "/repositories/$name" });
    return <RepositoryPage name={name} views={repositoryViews} Connect={ConnectDialog} />;
  },
});

const searchRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/search",
  validateSearch: searchSchemas.search,
  beforeLoad: visitorGuard,
  component: lazyRouteComponent(() => import("./features/search"), "SearchPage"),
});

const profileRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/profile",
  validateSearch: searchSchemas.profile,
  beforeLoad: userGuard,
  component: lazyRouteComponent(() => import("./features/profile"), "ProfilePage"),
});

// Administration: refused for non-admins (the section never mounts, nothing
// is fetched), not just hidden. Not thrown as an error: the router would log
// it to the console as a failure.
const adminRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/admin",
  beforeLoad: (g) => {
    userGuard(g);
    return { forbidden: !isAdmin(g.context.user) };
  },
  component: function AdminGate() {
    const { forbidden } = adminRoute.useRouteContext();
    return forbidden ? <Forbidden what="Administration" /> : <Outlet />;
  },
});
const AdminPage = lazyRouteComponent(() => import("./features/admin"), "AdminPage");
const adminSection = <P extends string, S extends z.ZodMiniType<object>>(path: P, validateSearch: S) =>
  createRoute({
    getParentRoute: () => adminRoute,
    path,
    validateSearch,
    component: () => <AdminPage section={path} />,
  });
const adminIndexRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/admin/users", replace: true });
  },
});
const adminUsersRoute = adminSection("users", searchSchemas.adminUsers);
const adminServicesRoute = adminSection("services", searchSchemas.adminServices);
const adminLicensingRoute = adminSection("licensing", searchSchemas.empty);
const adminSettingsRoute = adminSection("settings", searchSchemas.empty);
const adminAuditRoute = adminSection("audit", searchSchemas.adminAudit);

export const routeTree = rootRoute.addChildren([
  indexRoute,
  loginRoute,
  repositoriesRoute,
  repositoryRoute,
  searchRoute,
  profileRoute,
  adminRoute.addChildren([adminIndexRoute, adminUsersRoute, adminServicesRoute, adminLicensingRoute, adminSettingsRoute, adminAuditRoute]),
]);

/** Plain string search params: "?tag=1.0" must stay "1.0" (the default JSON parsing would make it the number 1). */
export function parseSearch(s: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(s));
}
export function stringifySearch(o: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function makeRouter(qc: QueryClient = queryClient) {
  return createRouter({
    routeTree,
    context: { queryClient: qc },
    parseSearch,
    stringifySearch,
    defaultPreload: "intent",
    // Errors and refusals show inside the shell (top bar stays).
    defaultErrorComponent: ErrorPage,
    defaultNotFoundComponent: NotFound,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
