// Whether the address is the admin console's (/admin), kept in step with back/forward.
import { useEffect, useState } from 'react';

export const ADMIN_PATH = '/admin';

export function isAdminPath(pathname: string): boolean {
  return pathname === ADMIN_PATH || pathname.startsWith(`${ADMIN_PATH}/`);
}

export function useAdminPath(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => isAdminPath(window.location.pathname));
  useEffect(() => {
    const sync = () => setOn(isAdminPath(window.location.pathname));
    window.addEventListener('popstate', sync);
    return () => window.removeEventListener('popstate', sync);
  }, []);
  const go = (next: boolean) => {
    try {
      window.history.pushState(window.history.state, '', next ? ADMIN_PATH : '/');
    } catch {
      /* some embedded browsers refuse pushState; the view still changes */
    }
    setOn(next);
  };
  return [on, go];
}
