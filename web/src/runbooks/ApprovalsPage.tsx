// /approvals: runbook runs waiting for a decision (and past decisions).
// Approve starts the run (its output is shown below the request); reject asks
// for a reason. When the rules forbid this user to decide (four-eyes: never
// the requester; technicians never; company admins not high risk) the
// buttons are replaced by the sentence saying why.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { ApprovalRequest, Execution } from '../api/types';
import { useUser } from '../auth/useSession';
import { can, roleLabel } from '../components/roles';
import { Dialog, Empty, Field, Notice, Time, useNow } from '../components/ui';
import { humanize } from '../components/format';
import { CompanySelect, PageHead, QueryView, useCompanyNames } from '../companies/kit';
import { ExecStatus, RiskBadge } from './badges';
import { ExecutionOutput, useExecution } from './Executions';
import { approvalBlock, minutesLeft } from './policy';
import './runbooks.css';

const STATUSES = ['pending', 'approved', 'rejected', 'expired'];

export default function ApprovalsPage() {
  const me = useUser();
  const now = useNow(30_000);
  const names = useCompanyNames();
  const qc = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const status = search.get('status') ?? 'pending';
  const company = search.get('company') ?? '';
  const set = (k: string, v: string) => {
    const n = new URLSearchParams(search);
    if (v) n.set(k, v);
    else n.delete(k);
    setSearch(n, { replace: true });
  };
  const q = useQuery({
    queryKey: ['approvals', 'list', status, company],
    queryFn: async ({ signal }) => (await api.all<ApprovalRequest>('/api/approval-requests', { status, company_id: company }, 500, signal)).items,
    refetchInterval: status === 'pending' ? 15_000 : false,
    enabled: can.workIncidents(me),
  });
  const [deciding, setDeciding] = useState<{ req: ApprovalRequest; approve: boolean } | null>(null);
  const [text, setText] = useState('');
  // Runs approved on this page: their requests leave the pending list, their output stays here.
  const [started, setStarted] = useState<{ req: ApprovalRequest; execId: string }[]>([]);
  const decide = useMutation({
    mutationFn: ({ req, approve }: { req: ApprovalRequest; approve: boolean }): Promise<unknown> =>
      approve
        ? api.post<{ approval_request: ApprovalRequest; execution: Execution }>(`/api/approval-requests/${req.id}/approve`, text.trim() ? { notes: text.trim() } : {})
        : api.post<ApprovalRequest>(`/api/approval-requests/${req.id}/reject`, text.trim() ? { reason: text.trim() } : {}),
    onSuccess: (r, { req }) => {
      const exec = (r as { execution?: Execution }).execution;
      if (exec) setStarted((s) => [{ req, execId: exec.id }, ...s]);
      void qc.invalidateQueries({ queryKey: ['approvals'] });
      setDeciding(null);
    },
    onError: () => void qc.invalidateQueries({ queryKey: ['approvals'] }),
  });

  if (!can.workIncidents(me)) {
    return (
      <div>
        <PageHead title="Approvals" />
        <Empty title="Approvals are for technicians and admins.">Clients do not see runbook runs.</Empty>
      </div>
    );
  }
  return (
    <div>
      <PageHead title="Approvals" sub="Runbook runs that need a second person. The requester never approves their own run (four-eyes rule)." />
      <div className="k-filters">
        <label className="k-inline">
          <span>Status</span>
          <select value={status} onChange={(e) => set('status', e.target.value === 'pending' ? '' : e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        <CompanySelect value={company} onChange={(v) => set('company', v)} allLabel="All companies" />
      </div>
      {decide.isError && !deciding && <Notice>{(decide.error as Error).message}</Notice>}
      {started.length > 0 && (
        <section className="k-section" aria-labelledby="started-h">
          <h2 id="started-h">Approved just now</h2>
          <ul className="ap-list">
            {started.map(({ req, execId }) => (
              <li key={execId} className="card">
                <strong>{req.runbook_name}</strong> <span className="muted">on {names(req.company_id)} — </span>
                <Link to={`/incidents/${req.incident_id}`}>{req.incident_title || 'incident'}</Link>
                <RunPanel id={execId} open />
              </li>
            ))}
          </ul>
        </section>
      )}
      <QueryView q={q} loading="Loading approval requests…">
        {(list) =>
          list.length === 0 ? (
            <Empty title={status === 'pending' ? 'Nothing waits for approval.' : `No ${status} requests.`} />
          ) : (
            <ul className="ap-list" data-testid="approvals-list">
              {list.map((r) => {
                const block = approvalBlock(me, r, now);
                const left = minutesLeft(r, now);
                const execId = r.execution_id;
                return (
                  <li key={r.id} className="card" data-approval-id={r.id}>
                    <div className="row" style={{ justifyContent: 'space-between' }}>
                      <h2>{r.runbook_name}</h2>
                      <div className="row">
                        <RiskBadge risk={r.risk_level} />
                        <span className={`badge status ${r.status === 'approved' ? 'status-resolved' : r.status === 'pending' ? 'status-escalated' : ''}`}>{humanize(r.status)}</span>
                      </div>
                    </div>
                    <dl className="facts">
                      <dt>Company</dt>
                      <dd>{names(r.company_id)}</dd>
                      <dt>Incident</dt>
                      <dd>
                        <Link to={`/incidents/${r.incident_id}`}>{r.incident_title || r.incident_id}</Link>
                      </dd>
                      <dt>Asked by</dt>
                      <dd>
                        {r.requested_by_email} {r.requested_by_role && <span className="muted">({roleLabel({ role: r.requested_by_role as never })})</span>},{' '}
                        <Time iso={r.created_at} now={now} />
                      </dd>
                      {r.reason && (
                        <>
                          <dt>Why approval</dt>
                          <dd>{r.reason}</dd>
                        </>
                      )}
                      <dt>Approver</dt>
                      <dd>{r.required_approver_role === 'msp_admin' ? 'an MSP admin' : 'a company admin or an MSP admin'}</dd>
                      {r.status === 'pending' && (
                        <>
                          <dt>Expires</dt>
                          <dd>{left === null ? 'now' : `in ${left} min`}</dd>
                        </>
                      )}
                      {r.decided_by_email && (
                        <>
                          <dt>Decided by</dt>
                          <dd>
                            {r.decided_by_email}, <Time iso={r.decided_at} now={now} />
                          </dd>
                        </>
                      )}
                      {(r.approval_notes || r.rejection_reason) && (
                        <>
                          <dt>{r.rejection_reason ? 'Reason' : 'Notes'}</dt>
                          <dd>{r.rejection_reason || r.approval_notes}</dd>
                        </>
                      )}
                    </dl>
                    {r.status === 'pending' && can.workIncidents(me) && (
                      block ? (
                        <p className="notice notice-info" data-testid="approval-block">
                          {block}
                        </p>
                      ) : (
                        <div className="k-actions">
                          <button type="button" className="btn btn-primary" onClick={() => (decide.reset(), setText(''), setDeciding({ req: r, approve: true }))}>
                            Approve and run
                          </button>
                          <button type="button" className="btn btn-danger" onClick={() => (decide.reset(), setText(''), setDeciding({ req: r, approve: false }))}>
                            Reject…
                          </button>
                        </div>
                      )
                    )}
                    {execId && <RunPanel id={execId} />}
                  </li>
                );
              })}
            </ul>
          )
        }
      </QueryView>

      <Dialog
        open={deciding !== null}
        title={deciding?.approve ? `Approve ${deciding.req.runbook_name}?` : `Reject ${deciding?.req.runbook_name ?? ''}?`}
        onClose={() => setDeciding(null)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setDeciding(null)}>
              Cancel
            </button>
            <button
              type="button"
              className={`btn ${deciding?.approve ? 'btn-primary' : 'btn-danger'}`}
              disabled={decide.isPending || (!deciding?.approve && !text.trim())}
              onClick={() => deciding && decide.mutate(deciding)}
            >
              {decide.isPending ? 'Working…' : deciding?.approve ? 'Approve and run' : 'Reject'}
            </button>
          </>
        }
      >
        {deciding?.approve ? (
          <p>The run starts at once on {describeTargets(deciding.req.targets)}.</p>
        ) : (
          <p>The requester is told, with your reason.</p>
        )}
        <Field label={deciding?.approve ? 'Notes (optional)' : 'Reason'}>
          <textarea value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} required={!deciding?.approve} />
        </Field>
        {decide.isError && <Notice>{(decide.error as Error).message}</Notice>}
      </Dialog>
    </div>
  );
}

function describeTargets(t: unknown): string {
  const x = t as { instance_ids?: string[]; tag_key?: string; tag_value?: string; target_tag_key?: string; target_tag_value?: string } | undefined;
  if (x?.instance_ids?.length) return x.instance_ids.join(', ');
  const k = x?.tag_key ?? x?.target_tag_key;
  if (k) return `the instances tagged ${k}=${x?.tag_value ?? x?.target_tag_value}`;
  return 'its target';
}

function RunPanel({ id, open = false }: { id: string; open?: boolean }) {
  const q = useExecution(id);
  return (
    <details className="ap-run" open={open || undefined}>
      <summary>
        Execution {q.data ? <ExecStatus status={q.data.status} /> : '…'} <Link to={`/runbooks/executions/${id}`}>details</Link>
      </summary>
      <QueryView q={q}>{(e) => <ExecutionOutput e={e} />}</QueryView>
    </details>
  );
}
