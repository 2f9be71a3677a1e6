// /audit: the audit log (company and MSP admins), newest first, paged.
// The API filters company and action (exact); user, outcome and the free-text
// search are matched on the loaded pages (said on screen).
import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { AuditEntry } from '../api/types';
import { useUser } from '../auth/useSession';
import { can, roleLabel } from '../components/roles';
import { Empty, LoadMore, Time, useNow } from '../components/ui';
import { formatDateTime, humanize } from '../components/format';
import { PageHead, QueryView, useCompanies, useCompanyNames } from '../companies/kit';
import { auditMatches, parseAuditFilters, type AuditFilters } from './filters';
import './audit.css';

interface Summary {
  days: number;
  total: number;
  by_action: Record<string, number>;
  by_outcome: Record<string, number>;
  by_user: Record<string, number>;
  capped: boolean;
}

export default function AuditPage() {
  const me = useUser();
  const now = useNow(60_000);
  const [search, setSearch] = useSearchParams();
  const f = useMemo(() => parseAuditFilters(search), [search]);
  const set = (k: keyof AuditFilters, v: string) => {
    const n = new URLSearchParams(search);
    if (v) n.set(k, v);
    else n.delete(k);
    setSearch(n, { replace: true });
  };
  // The action goes to the API (exact match): sent once typing pauses, not per keystroke.
  const [action, setAction] = useState(f.action);
  useEffect(() => {
    if (action.trim() === f.action) return;
    const t = setTimeout(() => set('action', action.trim()), 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [action]);
  const companies = useCompanies();
  const names = useCompanyNames();
  const allowed = can.seeAudit(me);
  const sp = { company_id: f.company, action: f.action };
  const q = useInfiniteQuery({
    queryKey: ['audit', 'list', sp],
    queryFn: ({ pageParam, signal }) => api.page<AuditEntry>('/api/audit-logs', { ...sp, limit: 100, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    enabled: allowed,
  });
  const summary = useQuery({
    queryKey: ['audit', 'summary', f.company],
    queryFn: ({ signal }) => api.get<Summary>('/api/audit-logs/summary', { company_id: f.company, days: 7 }, signal),
    enabled: allowed,
  });
  const [open, setOpen] = useState<string | null>(null);
  const entries = useMemo(() => (q.data?.pages ?? []).flatMap((p) => p.items).filter((e) => auditMatches(e, f)), [q.data, f]);
  const loadedCount = (q.data?.pages ?? []).reduce((n, p) => n + p.items.length, 0);
  const actions = Object.entries(summary.data?.by_action ?? {}).sort((a, b) => b[1] - a[1]);

  if (!allowed) {
    return (
      <div>
        <PageHead title="Audit log" />
        <Empty title="The audit log is for company and MSP admins.">Your role does not include it.</Empty>
      </div>
    );
  }
  return (
    <div>
      <PageHead title="Audit log" sub="Who did what, when, from where — every change and every refused attempt." />
      {summary.data && (
        <p className="muted" data-testid="audit-summary">
          Last {summary.data.days} days: {summary.data.total.toLocaleString('en-US')}
          {summary.data.capped ? '+' : ''} entries — {Object.entries(summary.data.by_outcome).map(([k, v]) => `${v} ${k}`).join(', ')}.
        </p>
      )}
      <form className="k-filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label className="k-inline">
          <span>Company</span>
          <select value={f.company} onChange={(e) => set('company', e.target.value)}>
            <option value="">All</option>
            {me.role === 'msp_admin' && <option value="_msp">MSP-wide events (no company)</option>}
            {(companies.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="k-inline">
          <span>Action</span>
          <input list="audit-actions" type="search" className="au-action" value={action} placeholder="e.g. incident.update" title="The exact action name, e.g. incident.acknowledge (suggestions as you type)" onChange={(e) => setAction(e.target.value)} />
          <datalist id="audit-actions">
            {actions.map(([a]) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="k-inline">
          <span>User</span>
          <input type="search" value={f.user} placeholder="email contains" onChange={(e) => set('user', e.target.value)} />
        </label>
        <label className="k-inline">
          <span>Outcome</span>
          <select value={f.outcome} onChange={(e) => set('outcome', e.target.value)}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
            <option value="denied">Denied</option>
          </select>
        </label>
        <label className="k-inline">
          <span>Search</span>
          <input type="search" value={f.text} placeholder="resource, id, IP…" onChange={(e) => set('text', e.target.value)} />
        </label>
      </form>
      {(f.user || f.outcome || f.text) && (
        <p className="muted">User, outcome and search are matched on the {loadedCount} entries loaded so far; load more to look further back.</p>
      )}
      <QueryView q={q} loading="Loading the audit log…">
        {() =>
          entries.length === 0 ? (
            <Empty title={loadedCount ? 'No entry matches these filters.' : 'No audit entries.'}>{q.hasNextPage ? 'Load more to search older entries.' : ''}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table k-rtable" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Resource</th>
                    <th scope="col">Company</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">
                      <span className="sr-only">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <AuditRow key={e.id} e={e} now={now} company={e.company_id === '_msp' ? 'MSP' : names(e.company_id)} open={open === e.id} toggle={() => setOpen(open === e.id ? null : e.id)} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <LoadMore hasMore={Boolean(q.hasNextPage)} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
    </div>
  );
}

function AuditRow({ e, now, company, open, toggle }: { e: AuditEntry & { ip?: string; request_id?: string; user_agent?: string }; now: number; company: string; open: boolean; toggle: () => void }) {
  const incident = e.resource_type === 'incident' && e.resource_id ? e.resource_id : null;
  return (
    <>
      <tr>
        <td data-label="When" className="k-nowrap" title={formatDateTime(e.at)}>
          <Time iso={e.at} now={now} />
        </td>
        <td data-label="Who">
          {/* One block, so that the phone layout (label beside value) keeps the role under the email. */}
          <div>
            {e.user_email || <span className="muted">{e.user_id || 'anonymous'}</span>}
            {e.user_role && <div className="muted">{roleLabel({ role: e.user_role as never })}</div>}
          </div>
        </td>
        <td data-label="Action" className="mono">
          {e.action}
        </td>
        <td data-label="Resource">
          <span>
            {e.resource_type && <span className="muted">{e.resource_type} </span>}
            {incident ? <Link to={`/incidents/${incident}`}>{incident.slice(-8)}</Link> : <span className="mono">{e.resource_id ? e.resource_id.slice(-12) : '—'}</span>}
          </span>
        </td>
        <td data-label="Company">{company}</td>
        <td data-label="Outcome">
          <span className={`badge au-${e.outcome ?? 'success'}`}>
            {humanize(e.outcome ?? '')}
            {e.status ? ` ${e.status}` : ''}
          </span>
        </td>
        <td data-label="">
          <button type="button" className="btn btn-sm btn-ghost" aria-expanded={open} onClick={toggle}>
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="au-details">
          <td colSpan={7}>
            <dl className="facts">
              <dt>At</dt>
              <dd>{formatDateTime(e.at)}</dd>
              <dt>IP</dt>
              <dd>{e.ip || '—'}</dd>
              <dt>Request id</dt>
              <dd className="mono">{e.request_id || '—'}</dd>
              <dt>Resource id</dt>
              <dd className="mono">{e.resource_id || '—'}</dd>
            </dl>
            {e.details !== undefined && e.details !== null && <pre>{JSON.stringify(e.details, null, 2)}</pre>}
          </td>
        </tr>
      )}
    </>
  );
}
