import { useSyncExternalStore } from 'react';
import { getSession, subscribeSession, type SessionState } from '../api/session';
import type { User } from '../api/types';

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession);
}

/** The signed-in user (only use under the signed-in layout). */
export function useUser(): User {
  const s = useSession();
  if (!s.user) throw new Error('useUser outside a session');
  return s.user;
}
