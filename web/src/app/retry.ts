import { ApiError } from '../api/errors';

/** Retry only what a retry can cure: network errors, 429 and 5xx (after Retry-After). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!(error instanceof ApiError)) return failureCount < 2;
  if (error.status === 0 || error.status === 429 || error.status >= 500) return failureCount < 3;
  return false;
}
