import { humanize } from '../components/format';

export function RiskBadge({ risk }: { risk: string }) {
  const sev = risk === 'high' ? 'critical' : risk === 'medium' ? 'medium' : 'low';
  return <span className={`badge sev sev-${sev}`}>{humanize(risk)} risk</span>;
}

export function ExecStatus({ status }: { status: string }) {
  const cls =
    status === 'success' ? 'status-resolved'
    : status === 'failed' || status === 'timed_out' ? 'status-new'
    : status === 'running' || status === 'pending' || status === 'inprogress' ? 'status-acknowledged'
    : '';
  return <span className={`badge status ${cls}`}>{humanize(status)}</span>;
}
