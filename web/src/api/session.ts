// The browser session. The access token lives in memory only; the refresh
// token is an HttpOnly cookie (aw_refresh, Path=/api/auth) that this code never
// sees. `X-AW-Session: cookie` asks the server for that cookie mode.
//
// Contract (docs/api.md, "Browser sessions"):
//   POST /api/auth/login   {email,password} → {access_token, expires_in, user} + Set-Cookie
//   POST /api/auth/refresh {}               → new access token (+ rotated cookie); 401 when gone
//   POST /api/auth/logout                   → 204, cookie revoked and cleared
//   POST /api/auth/logout-all (bearer)      → every session of the user ends
//
// The token is refreshed 60 s before it expires, and once on a 401. A reload
// restores the session silently through the cookie (restore()).

import { ApiError, parseRetryAfter } from './errors';
import type { LoginResponse, Role, User } from './types';

export interface SessionState {
  status: 'unknown' | 'signed_in' | 'signed_out';
  user: User | null;
  /** Why the last session ended, shown on the sign-in page (null after a deliberate sign-out). */
  endedReason: string | null;
}

let state: SessionState = { status: 'unknown', user: null, endedReason: null };
let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let inflightRefresh: Promise<boolean> | null = null;
const listeners = new Set<() => void>();
const tokenListeners = new Set<(token: string | null) => void>();

const COOKIE_HEADERS = { 'Content-Type': 'application/json', 'X-AW-Session': 'cookie' };

function setState(next: Partial<SessionState>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export function subscribeSession(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
export function getSession(): SessionState {
  return state;
}
export function getAccessToken(): string | null {
  return accessToken;
}
/** Called with every new access token (the WebSocket re-authenticates with it) and null on sign-out. */
export function onAccessToken(l: (token: string | null) => void): () => void {
  tokenListeners.add(l);
  return () => tokenListeners.delete(l);
}

/** The role with the `admin` alias folded into `msp_admin`. */
export function normalizeRole(role: string | undefined | null): Role {
  if (role === 'admin' || role === 'msp_admin') return 'msp_admin';
  if (role === 'company_admin' || role === 'technician') return role;
  return 'client';
}

// A non-secret hint that this browser has a session cookie, so a first visit
// does not call /api/auth/refresh just to be told 401.
const HINT = 'aw.session';
function setHint(on: boolean) {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    /* private mode: always try the refresh */
  }
}
function hasHint(): boolean {
  try {
    return localStorage.getItem(HINT) !== null;
  } catch {
    return true;
  }
}

function adopt(body: LoginResponse) {
  setHint(true);
  accessToken = body.access_token;
  const user = { ...body.user, role: normalizeRole(body.user.role) };
  setState({ status: 'signed_in', user, endedReason: null });
  tokenListeners.forEach((l) => l(accessToken));
  if (refreshTimer) clearTimeout(refreshTimer);
  const lifetime = Math.max(10, Number(body.expires_in) || 900);
  // Refresh a minute before expiry (or at 80 % of a short lifetime).
  const lead = Math.min(60, lifetime * 0.2);
  refreshTimer = setTimeout(() => void refresh(), (lifetime - lead) * 1000);
}

function clear(reason: string | null) {
  setHint(false);
  accessToken = null;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  tokenListeners.forEach((l) => l(null));
  setState({ status: 'signed_out', user: null, endedReason: reason });
}

async function readError(res: Response): Promise<ApiError> {
  let code = 'http_' + res.status;
  let detail = '';
  try {
    const body = await res.json();
    code = body.code ?? code;
    detail = body.detail ?? '';
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, detail, parseRetryAfter(res.headers.get('Retry-After')));
}

/** Signs in; throws ApiError (401 invalid_credentials, 429 too_many_attempts, …). */
export async function login(email: string, password: string): Promise<User> {
  let res: Response;
  try {
    res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: COOKIE_HEADERS,
      credentials: 'same-origin',
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (!res.ok) throw await readError(res);
  const body = (await res.json()) as LoginResponse;
  adopt(body);
  return state.user!;
}

/**
 * Gets a new access token through the cookie. Concurrent callers share one
 * request (a second rotation would look like token reuse to the server).
 * Resolves false — and ends the session — when the cookie is missing or revoked.
 */
export function refresh(reason = 'Your session has ended (it expired or was signed out elsewhere). Please sign in again.'): Promise<boolean> {
  if (inflightRefresh) return inflightRefresh;
  inflightRefresh = (async () => {
    try {
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: COOKIE_HEADERS,
        credentials: 'same-origin',
        body: '{}',
      });
      if (res.ok) {
        adopt((await res.json()) as LoginResponse);
        return true;
      }
      if (res.status === 401 || res.status === 400 || res.status === 403) {
        clear(state.status === 'signed_in' ? reason : null);
        return false;
      }
      // 429/5xx: keep the current token; try again shortly.
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void refresh(), 15_000);
      return accessToken !== null;
    } catch {
      if (state.status === 'unknown') clear(null);
      return accessToken !== null;
    } finally {
      inflightRefresh = null;
    }
  })();
  return inflightRefresh;
}

/** On start: the cookie of an earlier visit signs the user in silently. */
export async function restore(): Promise<void> {
  if (!hasHint()) {
    clear(null);
    return;
  }
  const ok = await refresh();
  if (!ok && state.status === 'unknown') clear(null);
}

/** Signs out this browser (the refresh cookie is revoked). */
export async function logout(): Promise<void> {
  try {
    await fetch('/api/auth/logout', { method: 'POST', headers: COOKIE_HEADERS, credentials: 'same-origin', body: '{}' });
  } catch {
    /* signed out locally anyway */
  }
  clear(null);
}

/** Ends every session of this user on every device, then this one. */
export async function logoutEverywhere(): Promise<void> {
  try {
    await fetch('/api/auth/logout-all', {
      method: 'POST',
      headers: { ...COOKIE_HEADERS, Authorization: `Bearer ${accessToken ?? ''}` },
      credentials: 'same-origin',
      body: '{}',
    });
  } finally {
    await logout();
  }
}

/** The session ended on the server (a 401 that a refresh could not cure). */
export function sessionEnded(reason: string) {
  if (state.status === 'signed_in') clear(reason);
}
