// Small pieces shared by the alerts, companies, people, runbooks, numbers and
// audit views: the visible companies, a page header, a copy button, a
// confirmation dialog, query-state rendering and the responsive table CSS.
import { useEffect, useState, type ReactNode } from 'react';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Company } from '../api/types';
import { Dialog, ErrorState, Notice, Spinner } from '../components/ui';
import './kit.css';

export { isAdminOf } from './config';

/** Every company the caller may see (GET /api/companies, all pages). */
export function useCompanies(): UseQueryResult<Company[]> {
  return useQuery({
    queryKey: qk.companies,
    queryFn: async ({ signal }) => (await api.all<Company>('/api/companies', {}, 10_000, signal)).items,
    staleTime: 60_000,
  });
}

/** id → name of the visible companies (ids shown while loading). */
export function useCompanyNames(): (id: string) => string {
  const { data } = useCompanies();
  return (id: string) => data?.find((c) => c.id === id)?.name ?? id;
}

export function PageHead({ title, children, sub }: { title: string; children?: ReactNode; sub?: ReactNode }) {
  return (
    <div className="k-head">
      <div>
        <h1>{title}</h1>
        {sub && <p className="muted k-sub">{sub}</p>}
      </div>
      {children && <div className="row">{children}</div>}
    </div>
  );
}

/** Loading / error (with retry, 429 wait) for a query; renders children(data) when there. */
export function QueryView<T>({
  q,
  children,
  loading,
}: {
  q: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  loading?: string;
}) {
  if (q.isPending) return <Spinner label={loading} />;
  // A retry cannot cure 403/404/422: no button then (a 429 waits for Retry-After inside ErrorState).
  const status = (q.error as { status?: number } | null)?.status ?? 0;
  const retry = status === 403 || status === 404 || status === 422 ? undefined : () => void q.refetch();
  if (q.isError && q.data === undefined) return <ErrorState error={q.error} onRetry={retry} />;
  return (
    <>
      {q.isError && <ErrorState error={q.error} onRetry={retry} />}
      {children(q.data as T)}
    </>
  );
}

/** Copies `text`; says so for two seconds (and to screen readers). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'' | 'ok' | 'fail'>('');
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(''), 2000);
    return () => clearTimeout(t);
  }, [done]);
  return (
    <button
      type="button"
      className="btn btn-sm"
      aria-label={label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setDone('ok');
        } catch {
          setDone('fail');
        }
      }}
    >
      {done === 'ok' ? 'Copied' : done === 'fail' ? 'Select and copy' : 'Copy'}
      <span className="sr-only" role="status">
        {done === 'ok' ? 'Copied to the clipboard' : ''}
      </span>
    </button>
  );
}

/** A yes/no question before a consequential action; shows the action's error inside. */
export function Confirm({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={onConfirm}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error ? <Notice>{error instanceof Error ? error.message : 'Something went wrong.'}</Notice> : null}
    </Dialog>
  );
}

/** A company <select>; `allLabel` adds an "every company" choice with value ''. */
export function CompanySelect({
  value,
  onChange,
  allLabel,
  label = 'Company',
  id,
}: {
  value: string;
  onChange: (id: string) => void;
  allLabel?: string;
  label?: string;
  id?: string;
}) {
  const { data, isPending } = useCompanies();
  return (
    <label className="k-inline">
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={isPending}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {!allLabel && !value && <option value="">Choose…</option>}
        {(data ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The selected company of a view: the URL's `?company=`, else the only/first one. */
export function useDefaultCompany(current: string, set: (id: string) => void) {
  const { data } = useCompanies();
  useEffect(() => {
    if (!current && data && data.length > 0) set(data[0].id);
  }, [current, data, set]);
}

/** Field errors from a 422 whose detail starts with the field name ("name: must …"). */
export function fieldOfError(err: unknown): string | null {
  const d = (err as { detail?: string; status?: number })?.detail;
  if ((err as { status?: number })?.status !== 422 || !d) return null;
  const m = /^([A-Za-z0-9_.[\]]+)[:\s]/.exec(d);
  return m ? m[1] : null;
}

export function FieldError({ errors, name }: { errors: Record<string, string>; name: string }) {
  if (!errors[name]) return null;
  return (
    <span className="k-field-error" role="alert">
      {errors[name]}
    </span>
  );
}

