// /alerts: every alert the user may see, newest first, with filters in the URL
// and a live tail (alert_received events prepended; pause queues them).
// GET /api/alerts filters only company_id and status; severity, asset, tool and
// time range are applied to the loaded pages here (said on screen).
import { useCallback, useMemo, useReducer, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { LiveEvent } from '../api/types';
import { SeverityBadge, Empty, LoadMore, Time, useNow } from '../components/ui';
import { formatDateTime, humanize } from '../components/format';
import { useLiveEvents, useLiveStatus } from '../live/LiveProvider';
import { CompanySelect, PageHead, QueryView, useCompanyNames } from '../companies/kit';
import {
  filtersToSearch, hasClientFilters, matchesAlert, parseFilters, rangeStart, serverParams, tailPause, tailReceive,
  tailResume, TIME_RANGES, type Alert, type AlertFilters, type TailState,
} from './filters';

type TailAction = { type: 'receive'; alert: Alert; filters: AlertFilters; now: number } | { type: 'pause' } | { type: 'resume' } | { type: 'reset' };

function tailReducer(s: TailState, a: TailAction): TailState {
  switch (a.type) {
    case 'receive':
      return tailReceive(s, a.alert, a.filters, a.now);
    case 'pause':
      return tailPause(s);
    case 'resume':
      return tailResume(s);
    case 'reset':
      return { paused: s.paused, items: [], queued: [] };
  }
}

const PAGE = 100;

export default function AlertsPage() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => parseFilters(search), [search]);
  const setFilter = useCallback(
    (k: keyof AlertFilters, v: string) => setSearch(filtersToSearch({ ...filters, [k]: v } as AlertFilters), { replace: true }),
    [filters, setSearch],
  );
  const now = useNow(30_000);
  const name = useCompanyNames();
  const live = useLiveStatus();
  const [tail, dispatch] = useReducer(tailReducer, { paused: false, items: [], queued: [] });
  const [tailOn, setTailOn] = useState(true);
  const [newIds, setNewIds] = useState<Set<string>>(new Set());

  const sp = serverParams(filters);
  const q = useInfiniteQuery({
    queryKey: ['alerts', 'list', sp],
    queryFn: ({ pageParam, signal }) => api.page<Alert>('/api/alerts', { ...sp, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });

  useLiveEvents((ev: LiveEvent) => {
    if (ev.type !== 'alert_received' || !tailOn) return;
    const a = ev.data as Alert;
    dispatch({ type: 'receive', alert: a, filters, now: Date.now() });
    if (a?.id) setNewIds((s) => new Set(s).add(a.id));
  });

  const loaded = useMemo(() => (q.data?.pages ?? []).flatMap((p) => p.items), [q.data]);
  const rows = useMemo(() => {
    const seen = new Set<string>();
    const out: Alert[] = [];
    for (const a of [...tail.items, ...loaded]) {
      if (seen.has(a.id) || !matchesAlert(a, filters, now)) continue;
      seen.add(a.id);
      out.push(a);
    }
    return out;
  }, [tail.items, loaded, filters, now]);

  // Newest first: once the oldest loaded alert is before the range, more pages cannot match.
  const start = rangeStart(filters, now);
  const oldest = loaded.length ? Date.parse(loaded[loaded.length - 1].timestamp) : null;
  const exhausted = start !== null && oldest !== null && oldest < start;
  const clientSide = hasClientFilters(filters);

  return (
    <div>
      <PageHead title="Alerts" sub="Every alert received by webhook, newest first. Repeats of an active alert count up instead of adding rows.">
        <label className="k-check">
          <input
            type="checkbox"
            checked={tailOn}
            onChange={(e) => {
              setTailOn(e.target.checked);
              if (!e.target.checked) dispatch({ type: 'reset' });
            }}
          />
          Live tail
        </label>
        {tailOn && (
          <button
            type="button"
            className="btn"
            aria-pressed={tail.paused}
            onClick={() => dispatch({ type: tail.paused ? 'resume' : 'pause' })}
          >
            {tail.paused ? `Resume${tail.queued.length ? ` (${tail.queued.length} new)` : ''}` : 'Pause'}
          </button>
        )}
      </PageHead>

      <form className="k-filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <CompanySelect value={filters.company} onChange={(v) => setFilter('company', v)} allLabel="All companies" />
        <label className="k-inline">
          <span>Severity</span>
          <select value={filters.severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">Any</option>
            {['critical', 'high', 'medium', 'low'].map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="k-inline">
          <span>Status</span>
          <select value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="acknowledged">Acknowledged</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <label className="k-inline">
          <span>Asset</span>
          <input type="search" value={filters.asset} placeholder="e.g. prod-server" onChange={(e) => setFilter('asset', e.target.value)} />
        </label>
        <label className="k-inline">
          <span>Tool</span>
          <input type="search" value={filters.tool} placeholder="e.g. Datadog" onChange={(e) => setFilter('tool', e.target.value)} />
        </label>
        <label className="k-inline">
          <span>Time</span>
          <select value={filters.range} onChange={(e) => setFilter('range', e.target.value)}>
            <option value="">Any time</option>
            {Object.entries(TIME_RANGES).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        {search.toString() && (
          <button type="button" className="btn btn-ghost" onClick={() => setSearch(new URLSearchParams(), { replace: true })}>
            Clear filters
          </button>
        )}
      </form>

      <p className="muted" aria-live="polite">
        {tailOn
          ? tail.paused
            ? `Live tail paused${tail.queued.length ? `: ${tail.queued.length} new alert(s) waiting` : ''}.`
            : live === 'open'
              ? 'Live tail on: new alerts appear at the top.'
              : 'Live tail waiting for the live connection…'
          : 'Live tail off: the list shows what was loaded.'}
        {clientSide && ' Severity, asset, tool and time are matched against the alerts loaded so far; load more to look further back.'}
      </p>

      <QueryView q={q} loading="Loading alerts…">
        {() =>
          rows.length === 0 ? (
            <Empty title={loaded.length || tail.items.length ? 'No alert matches these filters.' : 'No alerts yet.'}>
              {q.hasNextPage && !exhausted ? 'Load more to search older alerts.' : 'Alerts appear here as soon as a webhook delivers them.'}
            </Empty>
          ) : (
            <div className="table-wrap">
              <table className="table k-rtable" data-testid="alerts-table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Company</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Asset</th>
                    <th scope="col">Alert</th>
                    <th scope="col">Tool</th>
                    <th scope="col">Status</th>
                    <th scope="col" title="Deliveries of this alert (the first plus repeats)">Repeats</th>
                    <th scope="col">Incident</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((a) => (
                    <tr key={a.id} className={newIds.has(a.id) ? 'k-new' : undefined} data-alert-id={a.id}>
                      <td data-label="Time" className="k-nowrap">
                        <Time iso={a.timestamp} now={now} />
                      </td>
                      <td data-label="Company">{name(a.company_id)}</td>
                      <td data-label="Severity">
                        <SeverityBadge severity={a.severity} />
                      </td>
                      <td data-label="Asset" className="mono">
                        {a.asset_name}
                      </td>
                      <td data-label="Alert">
                        <div className="k-clip" title={a.message}>
                          <strong>{a.signature}</strong> <span className="muted">{a.message}</span>
                        </div>
                      </td>
                      <td data-label="Tool">{a.tool_source}</td>
                      <td data-label="Status">{humanize(a.status)}</td>
                      <td data-label="Repeats" title={a.last_seen ? `Last seen ${formatDateTime(a.last_seen)}` : undefined}>
                        {(a.delivery_attempts ?? 1) > 1 ? <strong>×{a.delivery_attempts}</strong> : <span className="muted">1</span>}
                      </td>
                      <td data-label="Incident">
                        {a.correlated_incident_id ? (
                          <Link to={`/incidents/${a.correlated_incident_id}`}>Open incident</Link>
                        ) : (
                          <span className="muted">none</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      {!exhausted && <LoadMore hasMore={Boolean(q.hasNextPage)} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />}
    </div>
  );
}
