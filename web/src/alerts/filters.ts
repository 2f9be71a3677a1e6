// Alert list filters: kept in the URL, split into what the API filters
// (company_id, status) and what is filtered on the loaded page (the rest:
// GET /api/alerts has no severity, asset, tool or time parameters). Pure.

export interface Alert {
  id: string;
  company_id: string;
  asset_name: string;
  signature: string;
  severity: string;
  message: string;
  tool_source: string;
  status: string;
  timestamp: string;
  received_at?: string;
  last_seen?: string;
  delivery_attempts?: number;
  correlated_incident_id?: string;
  asset_id?: string;
  metadata?: Record<string, unknown>;
}

export type TimeRange = '' | '1h' | '24h' | '7d' | '30d';
export const TIME_RANGES: Record<Exclude<TimeRange, ''>, { label: string; ms: number }> = {
  '1h': { label: 'Last hour', ms: 3600e3 },
  '24h': { label: 'Last 24 hours', ms: 24 * 3600e3 },
  '7d': { label: 'Last 7 days', ms: 7 * 86400e3 },
  '30d': { label: 'Last 30 days', ms: 30 * 86400e3 },
};

export interface AlertFilters {
  company: string;
  severity: string;
  status: string;
  asset: string;
  tool: string;
  range: TimeRange;
}

export const EMPTY_FILTERS: AlertFilters = { company: '', severity: '', status: '', asset: '', tool: '', range: '' };

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);
const STATUSES = new Set(['active', 'acknowledged', 'resolved']);

/** Reads the filters from the URL; unknown values are dropped rather than sent to the API. */
export function parseFilters(q: URLSearchParams): AlertFilters {
  const sev = q.get('severity') ?? '';
  const st = q.get('status') ?? '';
  const range = (q.get('range') ?? '') as TimeRange;
  return {
    company: (q.get('company') ?? '').trim(),
    severity: SEVERITIES.has(sev) ? sev : '',
    status: STATUSES.has(st) ? st : '',
    asset: (q.get('asset') ?? '').trim(),
    tool: (q.get('tool') ?? '').trim(),
    range: range in TIME_RANGES ? range : '',
  };
}

/** The URL form of the filters: only the ones set, in a stable order. */
export function filtersToSearch(f: AlertFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of ['company', 'severity', 'status', 'asset', 'tool', 'range'] as const) {
    if (f[k]) q.set(k, f[k]);
  }
  return q;
}

/** Query parameters for GET /api/alerts. */
export function serverParams(f: AlertFilters): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.company) p.company_id = f.company;
  if (f.status) p.status = f.status;
  return p;
}

/** True when a filter is set that the API cannot apply (the page is filtered here). */
export function hasClientFilters(f: AlertFilters): boolean {
  return Boolean(f.severity || f.asset || f.tool || f.range);
}

/** Whether an alert passes every filter (asset and tool: case-insensitive substring). */
export function matchesAlert(a: Alert, f: AlertFilters, now: number): boolean {
  if (f.company && a.company_id !== f.company) return false;
  if (f.status && a.status !== f.status) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.asset && !(a.asset_name ?? '').toLowerCase().includes(f.asset.toLowerCase())) return false;
  if (f.tool && !(a.tool_source ?? '').toLowerCase().includes(f.tool.toLowerCase())) return false;
  if (f.range) {
    const t = Date.parse(a.timestamp);
    if (!Number.isFinite(t) || t < now - TIME_RANGES[f.range].ms) return false;
  }
  return true;
}

/** The oldest time stamp the range admits (lists are newest first: paging past it finds nothing more). */
export function rangeStart(f: AlertFilters, now: number): number | null {
  return f.range ? now - TIME_RANGES[f.range].ms : null;
}

export interface TailState {
  paused: boolean;
  items: Alert[]; // newest first, shown
  queued: Alert[]; // arrived while paused, newest first
}

export const TAIL_MAX = 200;

/**
 * Live tail: an `alert_received` event. Alerts failing the filters are ignored,
 * an id already shown replaces its row, and the list keeps the newest TAIL_MAX.
 * While paused, arrivals wait in `queued` (also bounded) until resume.
 */
export function tailReceive(s: TailState, a: Alert, f: AlertFilters, now: number): TailState {
  if (!a || typeof a.id !== 'string' || !matchesAlert(a, f, now)) return s;
  if (s.paused) {
    return { ...s, queued: [a, ...s.queued.filter((x) => x.id !== a.id)].slice(0, TAIL_MAX) };
  }
  return { ...s, items: [a, ...s.items.filter((x) => x.id !== a.id)].slice(0, TAIL_MAX) };
}

export function tailPause(s: TailState): TailState {
  return s.paused ? s : { ...s, paused: true };
}

/** Resume: the queued alerts go on top, newest first, without duplicates. */
export function tailResume(s: TailState): TailState {
  if (!s.paused) return s;
  const ids = new Set(s.queued.map((a) => a.id));
  return { paused: false, queued: [], items: [...s.queued, ...s.items.filter((a) => !ids.has(a.id))].slice(0, TAIL_MAX) };
}
