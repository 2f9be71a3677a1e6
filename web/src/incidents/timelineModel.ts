// The incident's timeline: audit-log entries about it (who did what when; only
// company and MSP admins may read the audit log) merged with the moments the
// incident itself records (created, acknowledged, escalated, resolved), newest first.
// Pure; unit tested.
import type { AuditEntry, Incident } from '../api/types';
import { humanize } from '../components/format';

export interface TimelineItem {
  at: string;
  what: string;
  who?: string;
  outcome?: string;
  source: 'audit' | 'incident';
}

const ACTIONS: Record<string, string> = {
  'incident.acknowledge': 'Acknowledged',
  incident_updated: 'Updated',
  'incident.escalate': 'Escalated',
  'incident.auto_escalated': 'Escalated automatically',
  'incident.analyze': 'Analysed by AI',
  'incident.decide': 'Asked for a decision',
  'incident.execute_runbook': 'Requested a runbook run',
};

export function auditLabel(action: string): string {
  return ACTIONS[action] ?? humanize(action);
}

export function buildTimeline(inc: Incident, audit: AuditEntry[] | null): TimelineItem[] {
  const out: TimelineItem[] = [];
  out.push({ at: inc.created_at, what: `Opened from ${inc.alert_count} alert${inc.alert_count === 1 ? '' : 's'}`, source: 'incident' });
  const entries = (audit ?? []).filter((e) => e.resource_id === inc.id);
  const has = (action: string) => entries.some((e) => e.action === action && e.outcome === 'success');
  for (const e of entries) {
    out.push({
      at: e.at,
      what: auditLabel(e.action),
      who: e.user_email || (e.user_id === 'system' ? 'system' : e.user_id),
      outcome: e.outcome && e.outcome !== 'success' ? e.outcome : undefined,
      source: 'audit',
    });
  }
  // Moments the audit log does not show (or that the caller may not read).
  if (inc.acknowledged_at && !has('incident.acknowledge')) out.push({ at: inc.acknowledged_at, what: 'Acknowledged', source: 'incident' });
  if (inc.assigned_at && audit === null) out.push({ at: inc.assigned_at, what: 'Assigned', source: 'incident' });
  if (inc.escalated_at && !has('incident.escalate') && !has('incident.auto_escalated')) {
    out.push({ at: inc.escalated_at, what: `Escalated${inc.escalation_reason ? `: ${inc.escalation_reason}` : ''}`, source: 'incident' });
  }
  if (inc.resolved_at) out.push({ at: inc.resolved_at, what: 'Resolved', who: undefined, source: 'incident' });
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
