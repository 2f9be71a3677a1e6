// Incident detail: every field, the actions the role allows (only legal
// transitions; a 409 reads as a sentence and the fresh version is loaded),
// SLA status, AI analysis and decision, runbook request → approval →
// execution, the alerts and the timeline.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { ApiError } from '../api/errors';
import { useCompanies, useUsers } from '../api/hooks';
import { qk } from '../api/keys';
import type { Incident, SlaStatus } from '../api/types';
import { useUser } from '../auth/useSession';
import { formatDateTime, formatDuration, humanize, isOpenStatus, statusLabel } from '../components/format';
import { can } from '../components/roles';
import { useShortcuts } from '../components/shortcuts';
import { Empty, ErrorState, SeverityBadge, SlaCell, Spinner, StatusBadge, Time, useNow } from '../components/ui';
import { assigneeLabel } from '../queue/QueuePage';
import { ActionBar } from './ActionBar';
import { AlertsPanel } from './AlertsPanel';
import { AnalysisPanel } from './AnalysisPanel';
import { RunbookPanel } from './RunbookPanel';
import { Timeline } from './Timeline';
import './incident.css';

export default function IncidentPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const now = useNow(1000);
  const companies = useCompanies();
  const users = useUsers();
  const navigate = useNavigate();
  const inc = useQuery({ queryKey: qk.incident(id), queryFn: () => api.get<Incident>(`/api/incidents/${id}`) });
  const [dialog, setDialog] = useState<'resolve' | 'escalate' | null>(null);
  useShortcuts({ u: () => navigate('/') });

  if (inc.isPending) return <Spinner label="Loading the incident…" />;
  if (inc.isError) {
    if (inc.error instanceof ApiError && inc.error.status === 404) {
      return (
        <Empty title="This incident does not exist or is not visible to you.">
          <Link to="/">Back to the queue</Link>
        </Empty>
      );
    }
    return <ErrorState error={inc.error} onRetry={() => void inc.refetch()} />;
  }
  const i = inc.data;
  const company = companies.byId.get(i.company_id);
  const canWork = can.workIncidents(user);
  return (
    <article className="incident" aria-labelledby="incident-title" data-testid="incident" data-version={i.version}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Queue</Link> / <span>{company?.name ?? i.company_id}</span>
      </nav>
      <header className="incident-head">
        <div className="row">
          <SeverityBadge severity={i.severity} />
          <StatusBadge status={i.status} />
          {i.critical_asset && <span className="badge status-new">Critical asset</span>}
          {i.escalated && <span className="badge status-escalated">Escalated (level {i.escalation_level ?? 1})</span>}
        </div>
        <h1 id="incident-title">{i.title}</h1>
        <div className="muted">
          {company?.name ?? i.company_id} · <span className="mono">{i.asset_name}</span> · priority {i.priority_score} · opened{' '}
          <Time iso={i.created_at} now={now} />
        </div>
      </header>

      {canWork && (
        <ActionBar incident={i} me={user.id} dialog={dialog} setDialog={setDialog} onReload={() => void inc.refetch()} />
      )}

      <div className="grid-2">
        <div className="stack">
          <section className="card" aria-labelledby="facts-title">
            <h2 id="facts-title">Details</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd>{statusLabel(i.status)}</dd>
              <dt>Assignee</dt>
              <dd data-testid="assignee">{assigneeLabel(i.assigned_to, user.id, users.byId) || 'Unassigned'}</dd>
              <dt>Alerts</dt>
              <dd>
                {i.alert_count} ({i.active_alert_count ?? '—'} active)
              </dd>
              <dt>Tools</dt>
              <dd>{(i.tool_sources ?? []).join(', ') || '—'}</dd>
              <dt>Signature</dt>
              <dd className="mono">{i.signature ?? '—'}</dd>
              <dt>Category</dt>
              <dd>{i.category ? humanize(i.category) : '—'}</dd>
              <dt>First alert</dt>
              <dd>{formatDateTime(i.first_alert_at)}</dd>
              <dt>Last alert</dt>
              <dd>{formatDateTime(i.last_alert_at)}</dd>
              {i.acknowledged_at && (
                <>
                  <dt>Acknowledged</dt>
                  <dd>{formatDateTime(i.acknowledged_at)}</dd>
                </>
              )}
              {i.resolved_at && (
                <>
                  <dt>Resolved</dt>
                  <dd>{formatDateTime(i.resolved_at)}</dd>
                </>
              )}
              {i.resolution_notes && (
                <>
                  <dt>Resolution notes</dt>
                  <dd data-testid="resolution-notes">{i.resolution_notes}</dd>
                </>
              )}
              {i.escalation_reason && (
                <>
                  <dt>Escalation reason</dt>
                  <dd>{i.escalation_reason}</dd>
                </>
              )}
            </dl>
            {i.description && <p className="description">{i.description}</p>}
          </section>
          {canWork && <AnalysisPanel incident={i} />}
          {canWork && <RunbookPanel incident={i} />}
          <AlertsPanel incidentId={i.id} />
        </div>
        <div className="stack">
          <SlaPanel incident={i} now={now} />
          <Timeline incident={i} />
        </div>
      </div>
    </article>
  );
}

function SlaPanel({ incident, now }: { incident: Incident; now: number }) {
  const sla = useQuery({
    queryKey: qk.incidentSla(incident.id),
    queryFn: () => api.get<SlaStatus>(`/api/incidents/${incident.id}/sla-status`),
    refetchInterval: 60_000,
  });
  return (
    <section className="card" aria-labelledby="sla-title">
      <h2 id="sla-title">SLA</h2>
      <div className="sla-big">
        <SlaCell incident={incident} now={now} />
      </div>
      {sla.isPending ? (
        <Spinner />
      ) : sla.isError ? (
        <ErrorState error={sla.error} onRetry={() => void sla.refetch()} />
      ) : !sla.data.sla_enabled ? (
        <p className="muted">No SLA applies to this company.</p>
      ) : (
        <dl className="facts">
          <dt>State</dt>
          <dd>{humanize(sla.data.status)}</dd>
          <dt>Respond by</dt>
          <dd>
            {formatDateTime(sla.data.response?.due)}{' '}
            {sla.data.response?.breached ? <strong className="sla-breached">breached</strong> : sla.data.responded ? <span className="sla-ok">met</span> : null}
          </dd>
          <dt>Resolve by</dt>
          <dd>
            {formatDateTime(sla.data.resolution?.due)}{' '}
            {sla.data.resolution?.breached ? <strong className="sla-breached">breached</strong> : sla.data.resolved ? <span className="sla-ok">met</span> : null}
          </dd>
          {isOpenStatus(incident.status) && typeof sla.data.minutes_left === 'number' && (
            <>
              <dt>Time left</dt>
              <dd>{sla.data.minutes_left >= 0 ? formatDuration(sla.data.minutes_left * 60_000) : `over by ${formatDuration(sla.data.minutes_left * 60_000)}`}</dd>
            </>
          )}
          {sla.data.clock_stopped && (
            <>
              <dt>Clock</dt>
              <dd>{isOpenStatus(incident.status) ? 'stopped (outside business hours)' : 'stopped (the incident is resolved)'}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
