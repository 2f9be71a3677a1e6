// The MSP queue (landing page): every open incident the user may see, sorted
// by priority then age, filtered through the URL, live over the WebSocket.
// Rows are rendered in pages of 100 ("Show more"), so 10,000 stay smooth.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useCompanies, useOpenIncidents, useUsers } from '../api/hooks';
import type { Incident, User } from '../api/types';
import { useUser } from '../auth/useSession';
import { compareQueue, OPEN_STATUSES, SEVERITIES, humanize, statusLabel } from '../components/format';
import { can } from '../components/roles';
import { useShortcuts } from '../components/shortcuts';
import { Empty, ErrorState, Notice, SeverityBadge, SlaCell, Spinner, StatusBadge, errorMessage, useNow } from '../components/ui';
import { useIncidentAction } from '../incidents/actions';
import { matches, readFilters, writeFilters, type QueueFilters } from './filters';
import './queue.css';

const PAGE = 100;

export default function QueuePage() {
  const user = useUser();
  const canWork = can.workIncidents(user);
  const incidents = useOpenIncidents();
  const companies = useCompanies();
  const users = useUsers();
  const [sp, setSp] = useSearchParams();
  const filters = readFilters(sp);
  const [shown, setShown] = useState(PAGE);
  const [selected, setSelected] = useState(0);
  const now = useNow(1000);
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  const firstIds = useRef<Set<string> | null>(null);

  const rows = useMemo(() => {
    const list = (incidents.data ?? []).filter((i) => matches(i, filters, user.id, companies.byId.get(i.company_id)?.name));
    return list.sort(compareQueue);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [incidents.data, sp.toString(), user.id, companies.byId]);

  // Rows that arrived live after the first load are highlighted briefly.
  if (incidents.data && !firstIds.current) firstIds.current = new Set(incidents.data.map((i) => i.id));

  useEffect(() => setShown(PAGE), [sp]);
  useEffect(() => {
    if (incidents.data) {
      // For the browser test's first-render figure (docs/PERFORMANCE.md).
      const w = window as unknown as { __awQueueRenderedMs?: number };
      if (w.__awQueueRenderedMs === undefined) w.__awQueueRenderedMs = performance.now();
    }
  }, [incidents.data]);

  function setFilter(patch: Partial<QueueFilters>) {
    setSp(writeFilters({ ...filters, ...patch }), { replace: true });
  }

  const visible = rows.slice(0, shown);
  const sel = visible[Math.min(selected, visible.length - 1)];
  useShortcuts({
    j: () => setSelected((s) => Math.min(s + 1, visible.length - 1)),
    k: () => setSelected((s) => Math.max(s - 1, 0)),
    Enter: () => sel && navigate(`/incidents/${sel.id}`),
    '/': () => searchRef.current?.focus(),
    a: () => {
      if (sel && canWork && sel.status === 'new') document.getElementById(`ack-${sel.id}`)?.click();
    },
  });
  useEffect(() => {
    if (sel) document.getElementById(`row-${sel.id}`)?.scrollIntoView({ block: 'nearest' });
  }, [sel]);

  const companyOptions = companies.data ?? [];
  const total = incidents.data?.length ?? 0;
  return (
    <section aria-labelledby="queue-title">
      <div className="queue-head">
        <h1 id="queue-title">Queue</h1>
        <span className="muted" data-testid="queue-count" aria-live="polite">
          {incidents.isSuccess ? `${rows.length} of ${total} open` : ''}
        </span>
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span className="sr-only">Search</span>
          <input
            ref={searchRef}
            type="search"
            placeholder="Search title, asset, tool…  ( / )"
            value={filters.q}
            onChange={(e) => setFilter({ q: e.target.value })}
            aria-label="Search incidents"
          />
        </label>
        {companyOptions.length > 1 && (
          <select aria-label="Company" value={filters.company} onChange={(e) => setFilter({ company: e.target.value })}>
            <option value="">All companies</option>
            {companyOptions.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
        <select aria-label="Status" value={filters.status} onChange={(e) => setFilter({ status: e.target.value })}>
          <option value="">All open statuses</option>
          {OPEN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
        <select aria-label="Severity" value={filters.severity} onChange={(e) => setFilter({ severity: e.target.value })}>
          <option value="">All severities</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
        <select
          aria-label="Assignee"
          value={filters.assigned}
          onChange={(e) => setFilter({ assigned: e.target.value as QueueFilters['assigned'] })}
        >
          <option value="">Anyone</option>
          <option value="me">Assigned to me</option>
          <option value="unassigned">Unassigned</option>
        </select>
        {sp.toString() && (
          <button type="button" className="btn btn-ghost" onClick={() => setSp(new URLSearchParams(), { replace: true })}>
            Clear filters
          </button>
        )}
      </form>

      {incidents.isPending ? (
        <Spinner label="Loading the queue…" />
      ) : incidents.isError ? (
        <ErrorState error={incidents.error} onRetry={() => void incidents.refetch()} />
      ) : rows.length === 0 ? (
        total === 0 ? (
          <Empty title="No open incidents.">New alerts that need attention will appear here by themselves.</Empty>
        ) : (
          <Empty title="No incident matches these filters.">
            <button type="button" className="btn" onClick={() => setSp(new URLSearchParams(), { replace: true })}>
              Clear filters
            </button>
          </Empty>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="table queue-table" data-testid="queue-table">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Incident</th>
                  <th scope="col" className="hide-narrow">
                    Company
                  </th>
                  <th scope="col" className="hide-narrow">
                    Asset
                  </th>
                  <th scope="col" className="hide-narrow num">
                    Alerts
                  </th>
                  <th scope="col" className="hide-narrow">
                    Tools
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" className="hide-narrow">
                    Assignee
                  </th>
                  <th scope="col">SLA</th>
                  {canWork && (
                    <th scope="col">
                      <span className="sr-only">Action</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {visible.map((inc, i) => (
                  <QueueRow
                    key={inc.id}
                    inc={inc}
                    now={now}
                    me={user.id}
                    canWork={canWork}
                    selected={sel?.id === inc.id}
                    fresh={firstIds.current !== null && !firstIds.current.has(inc.id)}
                    companyName={companies.byId.get(inc.company_id)?.name ?? inc.company_id}
                    assignee={assigneeLabel(inc.assigned_to, user.id, users.byId)}
                    onSelect={() => setSelected(i)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {rows.length > shown && (
            <div className="load-more">
              <button type="button" className="btn" onClick={() => setShown((s) => s + PAGE)}>
                Show {Math.min(PAGE, rows.length - shown)} more ({rows.length - shown} not shown)
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

export function assigneeLabel(id: string | null | undefined, me: string, users: Map<string, User>): string {
  if (!id) return '';
  if (id === me) return 'You';
  const u = users.get(id);
  return u ? u.name || u.email : 'Someone else';
}

function QueueRow({
  inc,
  now,
  me,
  canWork,
  selected,
  fresh,
  companyName,
  assignee,
  onSelect,
}: {
  inc: Incident;
  now: number;
  me: string;
  canWork: boolean;
  selected: boolean;
  fresh: boolean;
  companyName: string;
  assignee: string;
  onSelect: () => void;
}) {
  const action = useIncidentAction(inc.id);
  const tools = inc.tool_sources ?? [];
  return (
    <tr
      id={`row-${inc.id}`}
      className={`${selected ? 'selected' : ''} ${fresh ? 'fresh' : ''}`}
      data-incident-id={inc.id}
      onClick={onSelect}
    >
      <td>
        <SeverityBadge severity={inc.severity} />
      </td>
      <td className="title-cell">
        <Link to={`/incidents/${inc.id}`} className="incident-link">
          {inc.title}
        </Link>
        <div className="muted sub">
          <span className="show-narrow">{companyName} · </span>
          {inc.critical_asset && <span className="crit">critical asset · </span>}
          <span className="show-narrow">{inc.asset_name} · </span>
          {inc.alert_count} alert{inc.alert_count === 1 ? '' : 's'}
        </div>
        {action.isError && <Notice>{errorMessage(action.error)}</Notice>}
      </td>
      <td className="hide-narrow company">{companyName}</td>
      <td className="hide-narrow mono">{inc.asset_name}</td>
      <td className="hide-narrow num" data-testid="alert-count">
        {inc.alert_count}
      </td>
      <td className="hide-narrow tools">{tools.join(', ')}</td>
      <td>
        <StatusBadge status={inc.status} />
      </td>
      <td className="hide-narrow">{assignee || <span className="muted">Unassigned</span>}</td>
      <td>
        <SlaCell incident={inc} now={now} />
      </td>
      {canWork && (
        <td className="action-cell">
          {inc.status === 'new' ? (
            <button
              id={`ack-${inc.id}`}
              type="button"
              className="btn btn-sm btn-primary"
              disabled={action.isPending}
              onClick={(e) => {
                e.stopPropagation();
                action.mutate({ kind: 'acknowledge' });
              }}
              aria-label={`Acknowledge ${inc.title}`}
            >
              Acknowledge
            </button>
          ) : !inc.assigned_to ? (
            <button
              type="button"
              className="btn btn-sm"
              disabled={action.isPending}
              onClick={(e) => {
                e.stopPropagation();
                action.mutate({ kind: 'update', patch: { assigned_to: me } });
              }}
              aria-label={`Assign ${inc.title} to me`}
            >
              Take
            </button>
          ) : null}
        </td>
      )}
    </tr>
  );
}
