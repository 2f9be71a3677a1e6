// The one typed API client. Use `api.get/post/put/del` for single objects and
// `api.page` / `api.all` for lists (JSON arrays paged by `limit` + `cursor`;
// the next cursor is the `X-Next-Cursor` response header).
//
//   const inc = await api.get<Incident>(`/api/incidents/${id}`);
//   const { items, next } = await api.page<Incident>('/api/incidents', { status: 'new', limit: 100 });
//
// Every failure throws ApiError (errors.ts) whose `message` is a sentence.
// A 401 triggers one silent token refresh and one retry; if that fails too
// the session ends and the app shows the sign-in page with the reason.

import { ApiError, parseRetryAfter } from './errors';
import { getAccessToken, refresh, sessionEnded } from './session';

export { ApiError } from './errors';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface Page<T> {
  items: T[];
  /** The cursor of the next page, or null on the last page. */
  next: string | null;
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function qs(params?: Query): string {
  if (!params) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

interface RawResult {
  res: Response;
  body: unknown;
}

async function send(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '');
  }
}

async function request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<RawResult> {
  let res = await send(method, path, body, signal);
  if (res.status === 401 && getAccessToken()) {
    // The token may have expired a moment ago: refresh once and retry.
    if (await refresh()) res = await send(method, path, body, signal);
  }
  if (res.status === 204) return { res, body: null };
  let parsed: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError(res.status, 'bad_response', 'the server answered something that is not JSON');
    }
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as { code?: string; detail?: string };
    const err = new ApiError(res.status, b.code ?? `http_${res.status}`, b.detail ?? '', parseRetryAfter(res.headers.get('Retry-After')));
    if (res.status === 401) sessionEnded(err.detail ? `Your session has ended (${err.detail}). Please sign in again.` : 'Your session has ended. Please sign in again.');
    throw err;
  }
  return { res, body: parsed };
}

async function json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return (await request(method, path, body, signal)).body as T;
}

/** One page of a list. */
async function page<T>(path: string, params?: Query, signal?: AbortSignal): Promise<Page<T>> {
  const { res, body } = await request('GET', path + qs(params), undefined, signal);
  return { items: (Array.isArray(body) ? body : []) as T[], next: res.headers.get('X-Next-Cursor') };
}

/** Every page of a list, up to `max` items (follows X-Next-Cursor). */
async function all<T>(path: string, params: Query = {}, max = 10_000, signal?: AbortSignal): Promise<Page<T>> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const limit = Math.min(500, max - items.length);
    const p: Page<T> = await page<T>(path, { ...params, limit, cursor }, signal);
    items.push(...p.items);
    cursor = p.next;
  } while (cursor && items.length < max);
  return { items, next: cursor };
}

export const api = {
  get: <T>(path: string, params?: Query, signal?: AbortSignal) => json<T>('GET', path + qs(params), undefined, signal),
  post: <T>(path: string, body: unknown = {}) => json<T>('POST', path, body),
  put: <T>(path: string, body: unknown = {}) => json<T>('PUT', path, body),
  del: (path: string) => json<null>('DELETE', path),
  page,
  all,
};
