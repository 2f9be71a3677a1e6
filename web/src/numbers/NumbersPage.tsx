// /numbers: KPIs per company and for the whole MSP (noise reduction, MTTA,
// MTTR, open incidents by severity) and alerts vs incidents over time.
// KPIs come from GET /api/kpis/{company}; the whole MSP is their weighted sum
// (kpi.ts). The API has no time series, so the chart counts the alerts and
// incidents of the window read page by page (capped; said on screen).
import { useMemo } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Incident } from '../api/types';
import type { Alert } from '../alerts/filters';
import { Empty, Spinner } from '../components/ui';
import { humanize } from '../components/format';
import { CompanySelect, PageHead, QueryView, useCompanies, useCompanyNames } from '../companies/kit';
import { bucketize, RANGES, rangeWindow, type RangeKey } from './chart';
import { aggregateKpis, formatCount, formatMinutes, formatPct, SEVERITIES, type Kpis } from './kpi';
import { TrendChart } from './TrendChart';
import './numbers.css';

const CAP = 3000;

/** Newest-first pages until the items are older than `from` or CAP is reached. */
async function readSince<T>(path: string, params: Record<string, string>, from: number, stamp: (x: T) => string | undefined, signal: AbortSignal) {
  const out: T[] = [];
  let cursor: string | null = null;
  let capped = false;
  for (;;) {
    const p: { items: T[]; next: string | null } = await api.page<T>(path, { ...params, limit: 500, cursor }, signal);
    out.push(...p.items);
    const last = p.items[p.items.length - 1];
    const t = last ? Date.parse(stamp(last) ?? '') : NaN;
    cursor = p.next;
    if (!cursor || (Number.isFinite(t) && t < from)) break;
    if (out.length >= CAP) {
      capped = true;
      break;
    }
  }
  return { items: out, capped };
}

export default function NumbersPage() {
  const [search, setSearch] = useSearchParams();
  const company = search.get('company') ?? '';
  const range = (search.get('range') ?? '7d') as RangeKey;
  const rangeKey: RangeKey = range in RANGES ? range : '7d';
  const set = (k: string, v: string) => {
    const n = new URLSearchParams(search);
    if (v) n.set(k, v);
    else n.delete(k);
    setSearch(n, { replace: true });
  };
  const companies = useCompanies();
  const names = useCompanyNames();
  const ids = company ? [company] : (companies.data ?? []).map((c) => c.id);
  const kpis = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['numbers', 'kpis', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<Kpis>(`/api/kpis/${id}`, undefined, signal),
      refetchInterval: 60_000,
    })),
  });
  const loaded = kpis.filter((k) => k.data).map((k) => k.data as Kpis);
  const failed = kpis.find((k) => k.isError);
  const total = useMemo(() => (loaded.length ? aggregateKpis(loaded) : null), [loaded]);

  const win = useMemo(() => rangeWindow(rangeKey, Date.now()), [rangeKey]);
  const series = useQuery({
    queryKey: ['numbers', 'series', company, rangeKey, win.to],
    queryFn: async ({ signal }) => {
      const params: Record<string, string> = company ? { company_id: company } : {};
      const [alerts, incidents] = await Promise.all([
        readSince<Alert>('/api/alerts', params, win.from, (a) => a.timestamp, signal),
        readSince<Incident>('/api/incidents', { ...params, sort: 'time' }, win.from, (i) => i.created_at, signal),
      ]);
      return {
        alerts: bucketize(alerts.items.map((a) => a.timestamp), win.from, win.to, win.step),
        incidents: bucketize(incidents.items.map((i) => i.created_at), win.from, win.to, win.step),
        capped: alerts.capped || incidents.capped,
      };
    },
    staleTime: 60_000,
  });

  return (
    <div>
      <PageHead title="Numbers" sub="How much noise correlation removes, and how fast incidents are answered and fixed." />
      <div className="k-filters">
        <CompanySelect value={company} onChange={(v) => set('company', v)} allLabel="Whole MSP (all companies)" label="Scope" />
        <label className="k-inline">
          <span>Chart period</span>
          <select value={rangeKey} onChange={(e) => set('range', e.target.value)}>
            {Object.entries(RANGES).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {companies.isPending || (ids.length > 0 && !total && !failed) ? (
        <Spinner label="Loading the numbers…" />
      ) : companies.isError ? (
        <QueryView q={companies}>{() => null}</QueryView>
      ) : ids.length === 0 ? (
        <Empty title="No company to count yet." />
      ) : (
        <>
          {failed && <p className="notice notice-error">{(failed.error as Error).message}</p>}
          {total && (
            <div className="k-tiles" data-testid="kpi-tiles">
              <Tile label="Noise reduction" value={formatPct(total.noise_reduction_pct)} note={`${formatCount(total.total_alerts)} alerts → ${formatCount(total.total_incidents)} incidents`} />
              <Tile label="MTTA" value={formatMinutes(total.mtta_minutes)} note={`mean time to acknowledge, ${formatCount(total.acknowledged_incidents)} incidents`} />
              <Tile label="MTTR" value={formatMinutes(total.mttr_minutes)} note={`mean time to resolve, ${formatCount(total.resolved_incidents)} incidents`} />
              <Tile label="Open incidents" value={formatCount(total.open_incidents)} note={`${formatCount(total.repeated_alerts)} repeats absorbed`} />
            </div>
          )}
          {total && (
            <section className="card k-section" aria-labelledby="sev-h">
              <h2 id="sev-h">Open incidents by severity</h2>
              <SeverityBars counts={total.open_incidents_by_severity} />
            </section>
          )}
          <section className="card k-section" aria-labelledby="trend-h">
            <h2 id="trend-h">Alerts vs incidents — {RANGES[rangeKey].label.toLowerCase()}</h2>
            <QueryView q={series} loading="Counting alerts and incidents…">
              {(s) => (
                <>
                  <TrendChart alerts={s.alerts} incidents={s.incidents} step={win.step} />
                  {s.capped && <p className="muted">Counted from the newest {CAP.toLocaleString('en-US')} alerts and incidents only; older ones in the period are not shown.</p>}
                </>
              )}
            </QueryView>
          </section>
          {!company && loaded.length > 1 && (
            <section className="k-section" aria-labelledby="per-h">
              <h2 id="per-h">Per company</h2>
              <div className="table-wrap">
                <table className="table k-rtable">
                  <thead>
                    <tr>
                      <th scope="col">Company</th>
                      <th scope="col">Alerts</th>
                      <th scope="col">Incidents</th>
                      <th scope="col">Noise reduction</th>
                      <th scope="col">MTTA</th>
                      <th scope="col">MTTR</th>
                      <th scope="col">Open</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...loaded].sort((a, b) => b.total_alerts - a.total_alerts).map((k) => (
                      <tr key={k.company_id}>
                        <td data-label="Company">
                          <a href={`?company=${k.company_id}`} onClick={(e) => (e.preventDefault(), set('company', k.company_id))}>
                            {names(k.company_id)}
                          </a>
                        </td>
                        <td data-label="Alerts">{formatCount(k.total_alerts)}</td>
                        <td data-label="Incidents">{formatCount(k.total_incidents)}</td>
                        <td data-label="Noise reduction">{formatPct(k.noise_reduction_pct)}</td>
                        <td data-label="MTTA">{formatMinutes(k.mtta_minutes)}</td>
                        <td data-label="MTTR">{formatMinutes(k.mttr_minutes)}</td>
                        <td data-label="Open">{formatCount(k.open_incidents)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
        </>
      )}
    </div>
  );
}

function Tile({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="k-tile">
      <div className="k-tile-label">{label}</div>
      <div className="k-tile-value">{value}</div>
      {note && <div className="k-tile-note">{note}</div>}
    </div>
  );
}

function SeverityBars({ counts }: { counts: Record<string, number> }) {
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s] ?? 0));
  return (
    <ul className="nb-bars">
      {SEVERITIES.map((s) => (
        <li key={s}>
          <span className="nb-bar-label">{humanize(s)}</span>
          <span className="nb-bar-track" aria-hidden="true">
            <span className={`nb-bar nb-${s}`} style={{ width: `${((counts[s] ?? 0) / max) * 100}%` }} />
          </span>
          <span className="nb-bar-value">{formatCount(counts[s] ?? 0)}</span>
        </li>
      ))}
    </ul>
  );
}
