// The signed-in user, restored from the session cookie at start.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { api, call, onUnauthorized, setCsrfToken, type Me } from "./api/client";

type AuthValue = {
  /** undefined while loading, null when anonymous. */
  user: Me | null | undefined;
  guestAccess: boolean;
  version: string;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
};

const Ctx = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [info, setInfo] = useState({ guestAccess: false, version: "" });

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
    call(api.GET("/api/v1/system/info")).then(
      (i) => setInfo({ guestAccess: i.guestAccess, version: i.version }),
      () => {},
    );
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
  return <Ctx.Provider value={{ user, ...info, login, logout, refresh }}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(Ctx);
  if (!v) throw new Error("useAuth outside <AuthProvider>");
  return v;
}

export function isAdmin(user: Me | null | undefined): boolean {
  return !!user?.roles?.includes("admin");
}
