import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { OrganizationBrief, Principal } from '../api/types';

type Status = 'restoring' | 'anonymous' | 'signedIn';

interface SessionValue {
  status: Status;
  principal: Principal | null;
  /** The principal's organization, named in the header (patients may not read the directory). */
  organization: OrganizationBrief | null;
  /** Set when a signed-in session ended by itself (expiry, revocation), to tell the user why. */
  expired: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Holds the signed-in principal: restored from the cookie on page load, set by login, cleared by logout. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('restoring');
  const [principal, setPrincipal] = useState<Principal | null>(null);
  const [organization, setOrganization] = useState<OrganizationBrief | null>(null);
  const [expired, setExpired] = useState(false);

  const signOutLocally = useCallback((becauseExpired: boolean) => {
    setCsrfToken(null);
    setPrincipal(null);
    setOrganization(null);
    setStatus('anonymous');
    setExpired(becauseExpired);
  }, []);

  useEffect(() => {
    let cancelled = false;
    endpoints
      .session()
      .then((session) => {
        if (cancelled) return;
        setCsrfToken(session.csrfToken);
        setPrincipal(session.principal);
        setOrganization(session.organization);
        setStatus('signedIn');
      })
      .catch(() => {
        // 401 (no session) or the server is away: either way the sign-in page is the place to start.
        if (!cancelled) signOutLocally(false);
      });
    return () => {
      cancelled = true;
    };
  }, [signOutLocally]);

  useEffect(() => {
    setUnauthorizedHandler(() => signOutLocally(true));
    return () => setUnauthorizedHandler(null);
  }, [signOutLocally]);

  const login = useCallback(async (username: string, password: string) => {
    const session = await endpoints.login(username, password);
    setCsrfToken(session.csrfToken);
    setPrincipal(session.principal);
    setOrganization(session.organization);
    setExpired(false);
    setStatus('signedIn');
  }, []);

  const logout = useCallback(async () => {
    try {
      await endpoints.logout();
    } catch (error) {
      // An already-ended session is signed out anyway.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    } finally {
      signOutLocally(false);
    }
  }, [signOutLocally]);

  const value = useMemo(
    () => ({ status, principal, organization, expired, login, logout }),
    [status, principal, organization, expired, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in principal; for pages rendered only inside the signed-in layout. */
export function usePrincipal(): Principal {
  const { principal } = useSession();
  if (!principal) throw new Error('usePrincipal without a signed-in session');
  return principal;
}
