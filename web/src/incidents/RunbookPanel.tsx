// Runbooks on this incident: request a run; the server decides by risk tier
// and role whether it runs now or needs an approval (four-eyes: the requester
// never approves their own request); approvals are decided here too when the
// user may; executions are polled until they finish and show their output.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { ApiError } from '../api/errors';
import { qk } from '../api/keys';
import type { ApprovalRequest, ExecuteResponse, Execution, Incident, Runbook } from '../api/types';
import { useUser } from '../auth/useSession';
import { formatDateTime, humanize } from '../components/format';
import { roleOf } from '../components/roles';
import { mayApprove } from './approvals';
import { ErrorState, Notice, Spinner, errorMessage } from '../components/ui';

const RUNNING = new Set(['pending', 'running']);


export function RunbookPanel({ incident }: { incident: Incident }) {
  const qc = useQueryClient();
  const user = useUser();
  const [runbookId, setRunbookId] = useState('');
  const runbooks = useQuery({
    queryKey: qk.runbooks(incident.company_id),
    queryFn: async () => (await api.all<Runbook>('/api/runbooks', { company_id: incident.company_id }, 500)).items,
  });
  const approvals = useQuery({
    queryKey: ['approvals', 'incident', incident.id],
    staleTime: 0,
    // While a request waits, look for its decision now and then.
    refetchInterval: (q) => ((q.state.data ?? []).some((a) => a.status === 'pending') ? 5000 : false),
    queryFn: async () =>
      (await api.all<ApprovalRequest>('/api/approval-requests', { company_id: incident.company_id }, 1000)).items.filter(
        (a) => a.incident_id === incident.id,
      ),
  });
  const executions = useQuery({
    queryKey: qk.incidentExecutions(incident.id),
    queryFn: async () => (await api.page<Execution>(`/api/incidents/${incident.id}/executions`, { limit: 20 })).items,
    staleTime: 0,
    refetchInterval: (q) =>
      (q.state.data ?? []).some((e) => RUNNING.has(e.status)) ? 1500 : (approvals.data ?? []).some((a) => a.status === 'pending') ? 5000 : false,
  });
  const execute = useMutation({
    mutationFn: (id: string) => api.post<ExecuteResponse>(`/api/incidents/${incident.id}/execute-runbook`, { runbook_id: id }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk.incidentExecutions(incident.id) });
      void qc.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
  const suggested = (incident.metadata?.analysis as { suggested_runbook?: { id: string } } | undefined)?.suggested_runbook?.id;
  const chosen = runbookId || suggested || '';

  return (
    <section className="card" aria-labelledby="rb-title" data-testid="runbooks">
      <h2 id="rb-title">Runbooks</h2>
      {runbooks.isPending ? (
        <Spinner />
      ) : runbooks.isError ? (
        <ErrorState error={runbooks.error} onRetry={() => void runbooks.refetch()} />
      ) : runbooks.data.length === 0 ? (
        <p className="muted">This company has no runbooks yet. Admins add them under Runbooks.</p>
      ) : (
        <div className="row">
          <select aria-label="Runbook" value={chosen} onChange={(e) => setRunbookId(e.target.value)}>
            <option value="">Choose a runbook…</option>
            {runbooks.data.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} — {r.risk_level} risk{r.id === suggested ? ' (suggested)' : ''}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-primary" disabled={!chosen || execute.isPending} onClick={() => execute.mutate(chosen)}>
            {execute.isPending ? 'Requesting…' : 'Run'}
          </button>
        </div>
      )}
      {execute.isError && <Notice>{errorMessage(execute.error)}</Notice>}
      {execute.data && (
        <Notice kind="info">
          {execute.data.action === 'executing' ? 'The runbook is running.' : 'An approval was requested.'} {execute.data.reason}
        </Notice>
      )}

      {(approvals.data ?? []).length > 0 && (
        <>
          <h3>Approval requests</h3>
          <ul className="plain-list">
            {approvals.data!.map((a) => (
              <ApprovalItem key={a.id} a={a} canDecide={mayApprove(roleOf(user), a.required_approver_role)} me={user.id} />
            ))}
          </ul>
        </>
      )}

      <h3>Executions</h3>
      {executions.isPending ? (
        <Spinner />
      ) : executions.isError ? (
        <ErrorState error={executions.error} onRetry={() => void executions.refetch()} />
      ) : executions.data.length === 0 ? (
        <p className="muted">No runbook has run on this incident.</p>
      ) : (
        <ul className="plain-list">
          {executions.data.map((e) => (
            <ExecutionItem key={e.id} e={e} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ApprovalItem({ a, canDecide, me }: { a: ApprovalRequest; canDecide: boolean; me: string }) {
  const qc = useQueryClient();
  const [why, setWhy] = useState('');
  const done = () => {
    void qc.invalidateQueries({ queryKey: ['approvals'] });
    void qc.invalidateQueries({ queryKey: qk.incidentExecutions(a.incident_id) });
  };
  const approve = useMutation({ mutationFn: () => api.post(`/api/approval-requests/${a.id}/approve`, {}), onSuccess: done });
  const reject = useMutation({
    mutationFn: () => api.post(`/api/approval-requests/${a.id}/reject`, why.trim() ? { reason: why.trim() } : {}),
    onSuccess: done,
  });
  const err = approve.error ?? reject.error;
  const mine = a.requested_by === me;
  return (
    <li className="approval" data-testid="approval" data-status={a.status}>
      <div>
        <strong>{a.runbook_name}</strong> ({a.risk_level} risk) — <span className={`badge status approval-${a.status}`}>{humanize(a.status)}</span>
      </div>
      <div className="muted">
        Requested by {a.requested_by_email ?? 'someone'} {formatDateTime(a.created_at)}; needs a {humanize(a.required_approver_role)}.
        {a.status === 'pending' && a.expires_at ? ` Expires ${formatDateTime(a.expires_at)}.` : ''}
        {a.decided_by_email ? ` Decided by ${a.decided_by_email}.` : ''}
        {a.rejection_reason ? ` Reason: ${a.rejection_reason}` : ''}
      </div>
      {a.status === 'pending' && mine && (
        <p className="muted four-eyes">Four-eyes rule: someone other than you must approve this request.</p>
      )}
      {a.status === 'pending' && canDecide && !mine && (
        <div className="row">
          <button type="button" className="btn btn-primary btn-sm" disabled={approve.isPending} onClick={() => approve.mutate()}>
            Approve and run
          </button>
          <input aria-label="Reason for rejecting" placeholder="Reason (optional)" value={why} onChange={(e) => setWhy(e.target.value)} />
          <button type="button" className="btn btn-sm btn-danger" disabled={reject.isPending} onClick={() => reject.mutate()}>
            Reject
          </button>
        </div>
      )}
      {err && (
        <Notice>
          {err instanceof ApiError && err.code === 'self_approval'
            ? 'You requested this run, so you cannot approve it (four-eyes rule). Ask another admin.'
            : errorMessage(err)}
        </Notice>
      )}
    </li>
  );
}

function ExecutionItem({ e }: { e: Execution }) {
  return (
    <li className="execution" data-testid="execution" data-status={e.status}>
      <div className="row">
        <strong>{e.runbook_name}</strong>
        <span className={`badge status exec-${e.status}`}>{humanize(e.status)}</span>
        <span className="muted">
          {formatDateTime(e.started_at ?? e.created_at)}
          {e.duration_seconds !== undefined && e.duration_seconds !== null ? ` · ${e.duration_seconds.toFixed(1)} s` : ''}
          {e.approved_by_email ? ` · approved by ${e.approved_by_email}` : ''}
        </span>
      </div>
      {e.error && <Notice>{e.error}</Notice>}
      {(e.results ?? []).map((r) => (
        <details key={r.instance_id} open={(e.results ?? []).length === 1}>
          <summary>
            <span className="mono">{r.instance_id}</span> — {humanize(r.status)}
            {r.response_code !== undefined ? ` (exit ${r.response_code})` : ''}
          </summary>
          {r.output && <pre data-testid="execution-output">{r.output}</pre>}
          {r.error_output && <pre className="stderr">{r.error_output}</pre>}
        </details>
      ))}
      {e.output_truncated && <p className="muted">The output was truncated.</p>}
    </li>
  );
}
