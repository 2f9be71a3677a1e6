// Pure reducers of live events into the cached lists (TanStack Query data).
// No React, no I/O: unit tested in tests/reducers.test.ts.
//
//   incident_created            → inserted into the open list (if open)
//   incident_updated/escalated  → replaces the cached copy (newer version wins);
//                                 leaves the open list when it is no longer open
//   alert_received              → bumps the incident's alert count and last alert
//                                 time unless the incident already counts it
//                                 (the incident event usually comes first)

import type { Alert, Incident, LiveEvent } from '../api/types';
import { isOpenStatus } from '../components/format';

function newerOrSame(a: Incident, b: Incident): boolean {
  return (a.version ?? 0) >= (b.version ?? 0);
}

/** The open-incident list after one event. Returns the same array when nothing changed. */
export function reduceOpenIncidents(list: Incident[] | undefined, ev: LiveEvent): Incident[] | undefined {
  if (!list) return list;
  switch (ev.type) {
    case 'incident_created':
    case 'incident_updated':
    case 'incident_escalated': {
      const inc = ev.data as Incident;
      if (!inc || typeof inc.id !== 'string') return list;
      const i = list.findIndex((x) => x.id === inc.id);
      if (i >= 0 && !newerOrSame(inc, list[i])) return list;
      if (!isOpenStatus(inc.status)) return i >= 0 ? list.filter((_, j) => j !== i) : list;
      if (i >= 0) {
        const next = list.slice();
        next[i] = inc;
        return next;
      }
      return [inc, ...list];
    }
    case 'alert_received': {
      const alert = ev.data as Alert;
      const incId = alert?.correlated_incident_id;
      if (!incId) return list;
      const i = list.findIndex((x) => x.id === incId);
      if (i < 0) return list;
      const bumped = bumpForAlert(list[i], alert);
      if (bumped === list[i]) return list;
      const next = list.slice();
      next[i] = bumped;
      return next;
    }
    default:
      return list;
  }
}

/** One incident after an alert of it arrived; unchanged when already counted. */
export function bumpForAlert(inc: Incident, alert: Alert): Incident {
  const ids = (inc as Incident & { alert_ids?: string[] }).alert_ids ?? [];
  if (ids.includes(alert.id)) return inc;
  const at = alert.received_at ?? alert.timestamp;
  const tools = inc.tool_sources ?? [];
  return {
    ...inc,
    alert_ids: [alert.id, ...ids].slice(0, 50),
    alert_count: (inc.alert_count ?? 0) + 1,
    last_alert_at: at && (!inc.last_alert_at || at > inc.last_alert_at) ? at : inc.last_alert_at,
    tool_sources: alert.tool_source && !tools.includes(alert.tool_source) ? [...tools, alert.tool_source] : tools,
  } as Incident;
}

/** The cached single incident after an event (detail page). */
export function reduceIncident(inc: Incident | undefined, ev: LiveEvent): Incident | undefined {
  if (!inc) return inc;
  if (ev.type === 'incident_updated' || ev.type === 'incident_escalated' || ev.type === 'incident_created') {
    const next = ev.data as Incident;
    if (next?.id !== inc.id || !newerOrSame(next, inc)) return inc;
    // The list view has no `alerts`; keep the ones the detail page loaded.
    return { ...next, alerts: next.alerts ?? inc.alerts };
  }
  if (ev.type === 'alert_received') {
    const a = ev.data as Alert;
    if (a?.correlated_incident_id !== inc.id) return inc;
    return bumpForAlert(inc, a);
  }
  return inc;
}

/** The unread count after an event (a `notification` is addressed to this user). */
export function reduceUnreadCount(count: number | undefined, ev: LiveEvent): number | undefined {
  if (ev.type !== 'notification') return count;
  const n = ev.data as { read?: boolean };
  if (n?.read) return count;
  return (count ?? 0) + 1;
}
