// Shared building blocks. Every view uses these for its loading, empty and
// error states so they look and read the same everywhere.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/errors';
import type { Incident } from '../api/types';
import { formatDateTime, formatRelative, humanize, slaCountdown, statusLabel } from './format';

/** The current time, re-read every `intervalMs` (drives countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`badge sev sev-${severity}`}>
      <span className="dot" aria-hidden="true" />
      {humanize(severity)}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status status-${status}`}>{statusLabel(status)}</span>;
}

export function SlaCell({ incident, now }: { incident: Pick<Incident, 'sla' | 'status' | 'acknowledged_at'>; now: number }) {
  const c = slaCountdown(incident, now);
  return (
    <span className={`sla sla-${c.tone}`} title={c.title}>
      {c.label}
      <span className="sr-only"> ({c.title})</span>
    </span>
  );
}

export function Time({ iso, now }: { iso?: string | null; now?: number }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {now !== undefined ? formatRelative(iso, now) : formatDateTime(iso)}
    </time>
  );
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

/** An error as a sentence, with a retry button (disabled while a 429's Retry-After runs). */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const wait = error instanceof ApiError && error.retryAfter ? error.retryAfter : 0;
  const [left, setLeft] = useState(wait);
  useEffect(() => {
    setLeft(wait);
    if (!wait) return;
    const t = setInterval(() => setLeft((l) => Math.max(0, l - 1)), 1000);
    return () => clearInterval(t);
  }, [error, wait]);
  return (
    <div className="state state-error" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry} disabled={left > 0}>
          {left > 0 ? `Retry in ${left} s` : 'Retry'}
        </button>
      )}
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** An inline message under a form or an action (role=alert so it is announced). */
export function Notice({ kind = 'error', children }: { kind?: 'error' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** A modal dialog (native <dialog>: focus trap and Escape for free). */
export function Dialog({
  open,
  title,
  onClose,
  children,
  footer,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={id} onClose={onClose} onCancel={onClose}>
      <header className="dialog-head">
        <h2 id={id}>{title}</h2>
        <button type="button" className="btn btn-ghost" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-foot">{footer}</footer>}
    </dialog>
  );
}

/** Label + control, stacked; `hint` under it. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

/** "Load more" for paged lists (X-Next-Cursor). */
export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <button type="button" className="btn" onClick={onClick} disabled={loading}>
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
