import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, get, onUnauthorized, post } from './api';
import { navigate } from './router';
import type { User } from './types';

interface AuthState {
  /** undefined while the app is still asking the server who we are. */
  user: User | null | undefined;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  /** Set when the session ended underneath the user (401), shown on the login page. */
  sessionEnded: boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The page a user lands on after signing in, by role. */
export function homePath(user: User): string {
  if (user.role === 'patient') return user.patient_id != null ? `/patients/${user.patient_id}` : '/no-chart';
  if (user.role === 'researcher') return '/research';
  return '/patients';
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [sessionEnded, setSessionEnded] = useState(false);
  const userRef = useRef(user);
  userRef.current = user;

  useEffect(() => {
    const ctrl = new AbortController();
    get<{ user: User }>('/auth/me', { quiet401: true, signal: ctrl.signal })
      .then((r) => setUser(r.user))
      .catch((err) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        setUser(null);
      });
    return () => ctrl.abort();
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        if (userRef.current) setSessionEnded(true);
        setUser(null);
        const here = location.pathname + location.search;
        if (!location.pathname.startsWith('/login')) {
          navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
        }
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const r = await post<{ user: User }>('/auth/login', { username, password }, { quiet401: true });
    setSessionEnded(false);
    setUser(r.user);
    return r.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await post<void>('/auth/logout', undefined, { quiet401: true });
    } catch (err) {
      // The session may already be gone; the user is signed out either way.
      if (!(err instanceof ApiError)) throw err;
    }
    setSessionEnded(false);
    setUser(null);
    navigate('/login', { replace: true });
  }, []);

  const value = useMemo(() => ({ user, login, logout, sessionEnded }), [user, login, logout, sessionEnded]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
