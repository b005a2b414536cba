import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Permission } from '../../../shared/permissions.ts';
import { setUnauthorizedHandler } from '../../api/client.ts';
import { authApi } from '../../api/endpoints.ts';
import type { LoginNotice, Session } from '../../api/types.ts';

type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  /** `notice`: failed logins since the last one, shown until the user dismisses it. */
  | { status: 'authenticated'; session: Session; notice?: LoginNotice | null };

interface AuthContextValue {
  state: AuthState;
  login: (username: string, password: string) => Promise<void>;
  /** The user has read the login notice. */
  dismissNotice: () => void;
  logout: () => Promise<void>;
  /** What the server says this user may do (GET /api/auth/me); the UI only hides, the API decides. */
  can: (permission: Permission) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    authApi
      .me()
      .then((session) => !cancelled && setState({ status: 'authenticated', session }))
      .catch(() => !cancelled && setState({ status: 'anonymous', expired: false }));
    // A 401 on any later call means the session ended (expired, logged out elsewhere).
    setUnauthorizedHandler(() => setState({ status: 'anonymous', expired: true }));
    return () => {
      cancelled = true;
      setUnauthorizedHandler(null);
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { user, permissions, notice } = await authApi.login(username, password);
    setState({ status: 'authenticated', session: { user, permissions }, notice });
  }, []);

  const dismissNotice = useCallback(() => setState((s) => (s.status === 'authenticated' ? { ...s, notice: null } : s)), []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setState({ status: 'anonymous', expired: false });
    }
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      login,
      logout,
      dismissNotice,
      can: (permission) => state.status === 'authenticated' && state.session.permissions.includes(permission),
    }),
    [state, login, logout, dismissNotice],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The logged-in session; only for components rendered behind RequireAuth. */
export function useSession(): Session {
  const { state } = useAuth();
  if (state.status !== 'authenticated') throw new Error('useSession without a session');
  return state.session;
}
