// The one error type of the API client. Every failed call — an HTTP error
// answer, a network failure, a malformed body — becomes an ApiError, so a view
// has one thing to show: `error.message` is always a sentence for a person.

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The server's machine code (`stale_version`, `rate_limited`, …) or `network`/`bad_response`. */
  readonly code: string;
  /** The server's sentence (`detail`), unchanged. */
  readonly detail: string;
  /** Seconds to wait before retrying (429/503 `Retry-After`), when given. */
  readonly retryAfter?: number;

  constructor(status: number, code: string, detail: string, retryAfter?: number) {
    super(humanMessage(status, code, detail, retryAfter));
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

function ensureSentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : first + '.';
}

/** The sentence shown to a person for an error answer. Pure; unit tested. */
export function humanMessage(status: number, code: string, detail: string, retryAfter?: number): string {
  if (status === 0) return 'The server cannot be reached. Check your connection; the page retries by itself.';
  if (status === 401) return detail ? `Your session has ended: ${ensureSentence(detail)} Please sign in again.` : 'Your session has ended. Please sign in again.';
  if (status === 403) return detail ? `You are not allowed to do this: ${ensureSentence(detail)}` : 'You are not allowed to do this.';
  if (status === 429) {
    const wait = retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ' Try again in a moment.';
    return `Too many requests.${wait}`;
  }
  if (status === 409 && code === 'stale_version') {
    return 'Someone else changed this incident in the meantime. The latest version has been loaded; check it and try again.';
  }
  if (status >= 500) {
    const wait = retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : '';
    return detail ? `The server could not do this: ${ensureSentence(detail)}${wait}` : `The server could not do this.${wait}`;
  }
  return detail ? ensureSentence(detail) : `The request failed (HTTP ${status}).`;
}

/** Parses a Retry-After header (seconds, or an HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
