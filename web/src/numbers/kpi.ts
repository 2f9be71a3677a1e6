// KPI figures: formatting and the whole-MSP aggregate of per-company counters
// (GET /api/kpis/{company_id}). Pure; no React.

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

export interface Kpis {
  company_id: string;
  total_alerts: number;
  repeated_alerts: number;
  total_incidents: number;
  noise_reduction_pct: number;
  open_incidents: number;
  open_incidents_by_severity: Record<Severity, number>;
  acknowledged_incidents: number;
  resolved_incidents: number;
  mtta_minutes: number | null;
  mttr_minutes: number | null;
}

/** "87.5 %" (one decimal, trailing ".0" dropped); "—" when unknown. */
export function formatPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const r = Math.round(v * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)} %`;
}

/** A duration given in minutes, for people: "45 s", "12 min", "2 h 5 min", "3 d 4 h"; "—" when unknown. */
export function formatMinutes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v) || v < 0) return '—';
  if (v < 1) return `${Math.round(v * 60)} s`;
  const total = Math.round(v);
  if (total < 60) return `${total} min`;
  if (total < 24 * 60) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(total / 1440);
  const h = Math.round((total - d * 1440) / 60);
  if (h === 24) return `${d + 1} d`;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** 1234567 → "1,234,567" (fixed locale so tests and screenshots agree). */
export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.round(v).toLocaleString('en-US');
}

/** Noise reduction as the server computes it: 1 − incidents / alerts, ≥ 0, one decimal. */
export function noiseReduction(alerts: number, incidents: number): number {
  if (alerts <= 0) return 0;
  return Math.round(Math.max(0, 1 - incidents / alerts) * 1000) / 10;
}

/**
 * The whole MSP as one company: counters summed, MTTA and MTTR weighted by
 * how many incidents each company's average covers.
 */
export function aggregateKpis(list: Kpis[]): Kpis {
  const open: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  let alerts = 0, repeated = 0, incidents = 0, openTotal = 0, acks = 0, resolved = 0;
  let ackMinutes = 0, ackWeight = 0, resMinutes = 0, resWeight = 0;
  for (const k of list) {
    alerts += k.total_alerts || 0;
    repeated += k.repeated_alerts || 0;
    incidents += k.total_incidents || 0;
    openTotal += k.open_incidents || 0;
    acks += k.acknowledged_incidents || 0;
    resolved += k.resolved_incidents || 0;
    for (const s of SEVERITIES) open[s] += k.open_incidents_by_severity?.[s] || 0;
    if (k.mtta_minutes !== null && k.mtta_minutes !== undefined && k.acknowledged_incidents > 0) {
      ackMinutes += k.mtta_minutes * k.acknowledged_incidents;
      ackWeight += k.acknowledged_incidents;
    }
    if (k.mttr_minutes !== null && k.mttr_minutes !== undefined && k.resolved_incidents > 0) {
      resMinutes += k.mttr_minutes * k.resolved_incidents;
      resWeight += k.resolved_incidents;
    }
  }
  const round1 = (v: number) => Math.round(v * 10) / 10;
  return {
    company_id: '*',
    total_alerts: alerts,
    repeated_alerts: repeated,
    total_incidents: incidents,
    noise_reduction_pct: noiseReduction(alerts, incidents),
    open_incidents: openTotal,
    open_incidents_by_severity: open,
    acknowledged_incidents: acks,
    resolved_incidents: resolved,
    mtta_minutes: ackWeight > 0 ? round1(ackMinutes / ackWeight) : null,
    mttr_minutes: resWeight > 0 ? round1(resMinutes / resWeight) : null,
  };
}
