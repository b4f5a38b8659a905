// The visitor's session and the instance facts, kept in the query cache so
// the router can wait for both before deciding where a URL leads
// (routes.tsx's root beforeLoad) and components read them without waiting.
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, call, onUnauthorized, setCsrfToken, type Me, type Schema } from "./client";
import { queryClient } from "./query";

export type LicenseSummary = Schema<"LicenseSummary">;

/** system/info, read defensively: fields added by newer servers may be absent. */
export type SystemInfo = {
  version: string;
  guestAccess: boolean;
  /** The server's external address (configured); "" until the server sends it. */
  baseUrl: string;
  license: LicenseSummary;
};

const infoKey = ["system-info"] as const;
const sessionKey = ["session"] as const;

async function fetchInfo(): Promise<SystemInfo> {
  try {
    const i = (await call(api.GET("/api/v1/system/info"))) as Partial<SystemInfo> & Record<string, unknown>;
    return {
      version: typeof i.version === "string" ? i.version : "",
      guestAccess: i.guestAccess === true,
      baseUrl: typeof i.baseUrl === "string" ? i.baseUrl : "",
      license: i.license && typeof i.license === "object" ? i.license : { status: "active" },
    };
  } catch {
    // The app still works without it: no guest access assumed, no banner.
    return { version: "", guestAccess: false, baseUrl: "", license: { status: "active" } };
  }
}

async function fetchSession(): Promise<Me | null> {
  try {
    const s = await call(api.GET("/api/v1/auth/session"));
    setCsrfToken(s.csrfToken);
    return s.user;
  } catch {
    setCsrfToken("");
    return null;
  }
}

export const infoQuery = { queryKey: infoKey, queryFn: fetchInfo, staleTime: 60_000 };
export const sessionQuery = { queryKey: sessionKey, queryFn: fetchSession, staleTime: Infinity };

/** Waits for system/info and the session check (both answered, never guessed). */
export async function ensureSession(qc: QueryClient): Promise<{ user: Me | null; info: SystemInfo }> {
  const [info, user] = await Promise.all([qc.ensureQueryData(infoQuery), qc.ensureQueryData(sessionQuery)]);
  return { info, user };
}

export function isAdmin(user: Me | null | undefined): boolean {
  return !!user?.roles?.includes("admin");
}

type AuthValue = SystemInfo & {
  /** undefined while loading, null when anonymous. */
  user: Me | null | undefined;
  /** Reads system/info again (after an admin changed the license or settings). */
  reloadInfo: () => void;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
};

const emptyInfo: SystemInfo = { version: "", guestAccess: false, baseUrl: "", license: { status: "active" } };

/** The session and instance facts; the same API the first UI had. */
export function useAuth(): AuthValue {
  const info = useQuery(infoQuery).data ?? emptyInfo;
  const user = useQuery(sessionQuery).data;
  return {
    ...info,
    user,
    reloadInfo: () => void queryClient.invalidateQueries({ queryKey: infoKey }),
    login,
    logout,
    refresh: async () => {
      await queryClient.refetchQueries({ queryKey: sessionKey });
    },
  };
}

async function login(username: string, password: string) {
  const s = await call(api.POST("/api/v1/auth/login", { body: { username, password } }));
  setCsrfToken(s.csrfToken);
  // Another user's cached answers must not show: start from a clean cache.
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== infoKey[0] });
  queryClient.setQueryData(sessionKey, s.user);
}

async function logout() {
  try {
    await call(api.POST("/api/v1/auth/logout"));
  } finally {
    setCsrfToken("");
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== infoKey[0] });
    queryClient.setQueryData(sessionKey, null);
  }
}

/** Marks the session ended when any call answers 401; onEnded lets the router re-check. */
export function useSessionExpiry(onEnded: () => void) {
  useEffect(
    () =>
      onUnauthorized(() => {
        if (queryClient.getQueryData(sessionKey)) {
          setCsrfToken("");
          queryClient.setQueryData(sessionKey, null);
          onEnded();
        }
      }),
    [onEnded],
  );
}
