// The signed-in user, restored from the session cookie at start.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { api, call, onUnauthorized, setCsrfToken, type Me, type Schema } from "./api/client";

export type LicenseSummary = Schema<"LicenseSummary">;

type AuthValue = {
  /** undefined while loading, null when anonymous. */
  user: Me | null | undefined;
  guestAccess: boolean;
  version: string;
  /** The license state every visitor sees (the banner). */
  license: LicenseSummary;
  /** Reads system/info again (after an admin changed the license or settings). */
  reloadInfo: () => void;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
};

const Ctx = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [info, setInfo] = useState<{ guestAccess: boolean; version: string; license: LicenseSummary }>({
    guestAccess: false,
    version: "",
    license: { status: "active" },
  });
  const reloadInfo = () => {
    call(api.GET("/api/v1/system/info")).then(
      (i) => setInfo({ guestAccess: i.guestAccess, version: i.version, license: i.license }),
      () => {},
    );
  };

  const refresh = async () => {
    try {
      const s = await call(api.GET("/api/v1/auth/session"));
      setCsrfToken(s.csrfToken);
      setUser(s.user);
    } catch {
      setCsrfToken("");
      setUser(null);
    }
  };

  useEffect(() => {
    reloadInfo();
    refresh();
    return onUnauthorized(() => setUser(null));
  }, []);

  const login = async (username: string, password: string) => {
    const s = await call(api.POST("/api/v1/auth/login", { body: { username, password } }));
    setCsrfToken(s.csrfToken);
    setUser(s.user);
  };
  const logout = async () => {
    try {
      await call(api.POST("/api/v1/auth/logout"));
    } finally {
      setCsrfToken("");
      setUser(null);
    }
  };
  return <Ctx.Provider value={{ user, ...info, reloadInfo, login, logout, refresh }}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(Ctx);
  if (!v) throw new Error("useAuth outside <AuthProvider>");
  return v;
}

export function isAdmin(user: Me | null | undefined): boolean {
  return !!user?.roles?.includes("admin");
}
