// Executions: one run with its per-instance output (polled while it runs),
// and a list of recent runs. The API has no cross-company list of executions
// (only GET /api/incidents/{id}/executions), so the list shows the runs that
// approvals started; runs started at once are on their incident's page.
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { ApprovalRequest, Execution } from '../api/types';
import { Empty, Time } from '../components/ui';
import { PageHead, QueryView, useCompanyNames } from '../companies/kit';
import { ExecStatus, RiskBadge } from './badges';

const FINAL = new Set(['success', 'failed', 'timed_out', 'cancelled']);

export function useExecution(id: string | undefined) {
  return useQuery({
    queryKey: ['runbooks', 'execution', id],
    queryFn: ({ signal }) => api.get<Execution>(`/api/executions/${id}`, undefined, signal),
    enabled: Boolean(id),
    refetchInterval: (q) => (q.state.data && FINAL.has(q.state.data.status) ? false : 2000),
  });
}

export function ExecutionOutput({ e }: { e: Execution }) {
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="execution-status">
          <ExecStatus status={e.status} />
        </dd>
        <dt>Runbook</dt>
        <dd>
          {e.runbook_name} <RiskBadge risk={e.risk_level} />
        </dd>
        <dt>Incident</dt>
        <dd>
          <Link to={`/incidents/${e.incident_id}`}>Open incident</Link>
        </dd>
        <dt>Started by</dt>
        <dd>{e.started_by_email || '—'}</dd>
        {e.approved_by_email && (
          <>
            <dt>Approved by</dt>
            <dd>{e.approved_by_email}</dd>
          </>
        )}
        <dt>Started</dt>
        <dd>
          <Time iso={e.started_at ?? e.created_at} />
        </dd>
        {e.finished_at && (
          <>
            <dt>Finished</dt>
            <dd>
              <Time iso={e.finished_at} /> {e.duration_seconds !== undefined && <span className="muted">({Math.round(e.duration_seconds * 10) / 10} s)</span>}
            </dd>
          </>
        )}
      </dl>
      {e.error && <div className="notice notice-error">{e.error}</div>}
      {(e.results ?? []).length === 0 && !FINAL.has(e.status) && <p className="muted">Waiting for the instances to answer…</p>}
      {(e.results ?? []).map((r) => (
        <section key={r.instance_id} className="card" aria-label={`Output of ${r.instance_id}`}>
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <h3 className="mono">{r.instance_id}</h3>
            <span>
              <ExecStatus status={r.status.toLowerCase()} /> {r.response_code !== undefined && <span className="muted">exit {r.response_code}</span>}
            </span>
          </div>
          {r.output ? <pre data-testid="execution-output">{r.output}</pre> : <p className="muted">No output.</p>}
          {r.error_output && (
            <>
              <h3>Errors</h3>
              <pre>{r.error_output}</pre>
            </>
          )}
        </section>
      ))}
      {e.output_truncated && <p className="muted">The output was cut at 24 KB.</p>}
    </div>
  );
}

export function ExecutionPage() {
  const { id } = useParams();
  const q = useExecution(id);
  return (
    <div>
      <PageHead title="Runbook execution">
        <Link className="btn" to="/runbooks?tab=executions">
          All executions
        </Link>
      </PageHead>
      <QueryView q={q} loading="Loading the execution…">
        {(e) => <ExecutionOutput e={e} />}
      </QueryView>
    </div>
  );
}

export function ExecutionsList() {
  const names = useCompanyNames();
  const approvals = useQuery({
    queryKey: ['approvals', 'approved-runs'],
    queryFn: async ({ signal }) => (await api.page<ApprovalRequest>('/api/approval-requests', { status: 'approved', limit: 25 }, signal)).items,
  });
  const runs = useQueries({
    queries: (approvals.data ?? [])
      .filter((a) => a.execution_id)
      .map((a) => ({
        queryKey: ['runbooks', 'execution', a.execution_id],
        queryFn: ({ signal }: { signal: AbortSignal }) => api.get<Execution>(`/api/executions/${a.execution_id}`, undefined, signal),
      })),
  });
  return (
    <section aria-label="Executions">
      <p className="muted">Runs started by an approval, newest first. Runs that started at once are listed on their incident.</p>
      <QueryView q={approvals} loading="Loading executions…">
        {() =>
          runs.length === 0 ? (
            <Empty title="No approved runs yet." />
          ) : (
            <div className="table-wrap">
              <table className="table k-rtable">
                <thead>
                  <tr>
                    <th scope="col">Runbook</th>
                    <th scope="col">Company</th>
                    <th scope="col">Status</th>
                    <th scope="col">Started</th>
                    <th scope="col">
                      <span className="sr-only">Output</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((r, i) =>
                    r.data ? (
                      <tr key={r.data.id}>
                        <td data-label="Runbook">{r.data.runbook_name}</td>
                        <td data-label="Company">{names(r.data.company_id)}</td>
                        <td data-label="Status">
                          <ExecStatus status={r.data.status} />
                        </td>
                        <td data-label="Started">
                          <Time iso={r.data.started_at ?? r.data.created_at} />
                        </td>
                        <td data-label="">
                          <Link to={`/runbooks/executions/${r.data.id}`}>Output</Link>
                        </td>
                      </tr>
                    ) : (
                      <tr key={i}>
                        <td colSpan={5} className="muted">
                          {r.isError ? (r.error as Error).message : 'Loading…'}
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}
