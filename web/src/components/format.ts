// Pure formatting helpers (no React, no clock of their own: `now` is passed in).
// Unit tested in tests/format.test.ts. Times are shown in the user's time zone
// (the browser's, via Intl) unless a zone is passed.

import type { Incident, Severity } from '../api/types';

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
export const OPEN_STATUSES = ['new', 'acknowledged', 'in_progress', 'escalated'] as const;

/** Legal next states (src/core/incident_status.cc). */
export const TRANSITIONS: Record<string, string[]> = {
  new: ['acknowledged', 'in_progress', 'escalated', 'resolved'],
  acknowledged: ['in_progress', 'escalated', 'resolved'],
  in_progress: ['escalated', 'resolved'],
  escalated: ['acknowledged', 'in_progress', 'resolved'],
  resolved: ['closed', 'in_progress'],
  closed: [],
};

export function isOpenStatus(s: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(s);
}

const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  escalated: 'Escalated',
  resolved: 'Resolved',
  closed: 'Closed',
};
export function statusLabel(s: string): string {
  return STATUS_LABELS[s] ?? humanize(s);
}

export function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? SEVERITIES.length : i;
}

/** `in_progress` → `In progress`. */
export function humanize(s: string): string {
  const t = (s ?? '').replace(/[_.]+/g, ' ').trim();
  return t ? t[0].toUpperCase() + t.slice(1) : '';
}

export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** `3 Dec 2026, 14:05` in the given (default: the user's) time zone. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string, locale?: string): string {
  const ms = parseTime(iso);
  if (ms === null) return '—';
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(ms);
}

/** Time of day with seconds, for timelines. */
export function formatTimeOfDay(iso: string | null | undefined, timeZone?: string): string {
  const ms = parseTime(iso);
  if (ms === null) return '—';
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone }).format(ms);
}

/** Compact duration: `45s`, `12m`, `3h 05m`, `2d 4h`. Negative values use their magnitude. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** `5m ago`, `just now`, `in 3m`. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  const ms = parseTime(iso);
  if (ms === null) return '—';
  const diff = now - ms;
  if (Math.abs(diff) < 10_000) return 'just now';
  return diff > 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(diff)}`;
}

export type SlaTone = 'none' | 'ok' | 'warning' | 'breached' | 'met';

export interface SlaCountdown {
  tone: SlaTone;
  /** What the clock is for: response or resolution. */
  phase: 'response' | 'resolution' | null;
  /** ms left (negative when breached); null when there is no clock. */
  msLeft: number | null;
  /** Short text for a table cell: `Respond 12m`, `Resolve 3h 05m`, `Breached 4m`. */
  label: string;
  /** A full sentence for a title/screen reader. */
  title: string;
}

/**
 * The SLA countdown of an incident at `now`: time left to the response target
 * until someone responded (acknowledged or moved it on), then to resolution.
 * The due instants come from the server (incident.sla, business hours applied).
 */
export function slaCountdown(inc: Pick<Incident, 'sla' | 'status' | 'acknowledged_at'>, now: number): SlaCountdown {
  const sla = inc.sla;
  if (!sla || (sla as { enabled?: boolean }).enabled === false) {
    return { tone: 'none', phase: null, msLeft: null, label: '—', title: 'No SLA applies.' };
  }
  if (!isOpenStatus(inc.status)) {
    return { tone: 'met', phase: null, msLeft: null, label: 'Done', title: 'The incident is no longer open.' };
  }
  const responded = Boolean(inc.acknowledged_at) || inc.status !== 'new';
  const phase = responded ? 'resolution' : 'response';
  const due = parseTime((responded ? sla.resolution_due : sla.response_due) as string | undefined);
  if (due === null) return { tone: 'none', phase: null, msLeft: null, label: '—', title: 'No SLA deadline.' };
  const msLeft = due - now;
  const warnMs = Number((sla as { warning_minutes?: number }).warning_minutes ?? 30) * 60_000;
  const verb = responded ? 'Resolve' : 'Respond';
  if (msLeft <= 0) {
    const late = formatDuration(msLeft);
    return {
      tone: 'breached',
      phase,
      msLeft,
      label: `Breached ${late}`,
      title: `The ${phase} target was breached ${late} ago.`,
    };
  }
  const left = formatDuration(msLeft);
  return {
    tone: msLeft <= warnMs ? 'warning' : 'ok',
    phase,
    msLeft,
    label: `${verb} ${left}`,
    title: `${left} left to the ${phase} target.`,
  };
}

/** Queue order: priority score (high first), then age (oldest first), then id. */
export function compareQueue(a: Incident, b: Incident): number {
  const p = (b.priority_score ?? 0) - (a.priority_score ?? 0);
  if (p !== 0) return p;
  const ta = parseTime(a.created_at) ?? 0;
  const tb = parseTime(b.created_at) ?? 0;
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
