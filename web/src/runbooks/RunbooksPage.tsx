// /runbooks: a company's runbooks (admins create, edit, delete them), the
// global library (admins copy a template into a company) and recent executions.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { useUser } from '../auth/useSession';
import { can } from '../components/roles';
import { Dialog, Empty, Notice, Time } from '../components/ui';
import { humanize } from '../components/format';
import { CompanySelect, Confirm, isAdminOf, PageHead, QueryView, useCompanyNames } from '../companies/kit';
import { RunbookForm } from './RunbookForm';
import { ExecutionsList } from './Executions';
import type { Runbook } from './policy';
import { RiskBadge } from './badges';
import './runbooks.css';

interface Template {
  id: string;
  name: string;
  description: string;
  category: string;
  risk_level: string;
  signature: string;
  ssm_document_name: string;
  parameters: Record<string, string[]>;
  auto_approve: boolean;
  timeout_seconds: number;
}

function target(r: Runbook): string {
  if (r.instance_ids?.length) return r.instance_ids.join(', ');
  if (r.target_tag_key) return `tag ${r.target_tag_key}=${r.target_tag_value}`;
  return 'none (given when run)';
}

export default function RunbooksPage() {
  const me = useUser();
  const qc = useQueryClient();
  const names = useCompanyNames();
  const [search, setSearch] = useSearchParams();
  const company = search.get('company') ?? '';
  const tab = search.get('tab') ?? 'company';
  const set = (k: string, v: string) => {
    const n = new URLSearchParams(search);
    if (v) n.set(k, v);
    else n.delete(k);
    setSearch(n, { replace: true });
  };
  const admin = company ? isAdminOf(me, company) : me.role === 'msp_admin' || me.role === 'company_admin';
  const runbooks = useQuery({
    queryKey: ['runbooks', 'list', company],
    queryFn: async ({ signal }) => (await api.all<Runbook>('/api/runbooks', { company_id: company }, 2000, signal)).items,
    enabled: tab === 'company' && can.seeRunbooks(me),
  });
  const library = useQuery({
    queryKey: ['runbooks', 'library'],
    queryFn: ({ signal }) => api.get<Template[]>('/api/runbooks/global-library', undefined, signal),
    enabled: tab === 'library' && can.seeRunbooks(me),
    staleTime: Infinity,
  });
  const [editing, setEditing] = useState<Runbook | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Runbook | null>(null);
  const [copyNote, setCopyNote] = useState('');
  const remove = useMutation({
    mutationFn: (r: Runbook) => api.del(`/api/runbooks/${r.id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['runbooks', 'list'] });
      setDeleting(null);
    },
  });
  const copy = useMutation({
    mutationFn: (t: Template) => api.post<Runbook>(`/api/runbooks/global-library/${t.id}/copy`, { company_id: company }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['runbooks', 'list'] });
      setCopyNote(`“${r.name}” is now a runbook of ${names(r.company_id)}. Set its target before running it.`);
    },
  });

  if (!can.seeRunbooks(me)) {
    return (
      <div>
        <PageHead title="Runbooks" />
        <Empty title="Runbooks are for technicians and admins.">They describe the company’s infrastructure and commands; clients do not see them.</Empty>
      </div>
    );
  }
  return (
    <div>
      <PageHead title="Runbooks" sub="Fixes run through AWS Systems Manager. Risk decides who may run them at once and who must approve.">
        {tab === 'company' && admin && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New runbook
          </button>
        )}
      </PageHead>
      <nav className="k-tabs" aria-label="Runbook sections">
        {[
          ['company', 'Company runbooks'],
          ['library', 'Global library'],
          ['executions', 'Executions'],
        ].map(([k, label]) => (
          <a
            key={k}
            href={`?tab=${k}${company ? `&company=${company}` : ''}`}
            className={tab === k ? 'active' : ''}
            aria-current={tab === k ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              set('tab', k === 'company' ? '' : k);
            }}
          >
            {label}
          </a>
        ))}
      </nav>
      {tab !== 'executions' && (
        <div className="k-filters">
          <CompanySelect value={company} onChange={(v) => set('company', v)} allLabel={tab === 'company' ? 'All companies' : 'Choose a company to copy into'} />
        </div>
      )}

      {tab === 'company' && (
        <QueryView q={runbooks} loading="Loading runbooks…">
          {(list) =>
            list.length === 0 ? (
              <Empty title="No runbooks yet.">{admin ? 'Create one, or copy one from the global library.' : ''}</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table k-rtable" data-testid="runbooks-table">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      {!company && <th scope="col">Company</th>}
                      <th scope="col">Risk</th>
                      <th scope="col">Matches signature</th>
                      <th scope="col">Target</th>
                      <th scope="col">Approval</th>
                      <th scope="col">Updated</th>
                      <th scope="col">
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((r) => (
                      <tr key={r.id}>
                        <td data-label="Name">
                          <strong>{r.name}</strong>
                          {r.description && r.description !== r.name && <div className="muted k-clip">{r.description}</div>}
                        </td>
                        {!company && <td data-label="Company">{names(r.company_id)}</td>}
                        <td data-label="Risk">
                          <RiskBadge risk={r.risk_level} />
                        </td>
                        <td data-label="Signature" className="mono">
                          {r.signature || '—'}
                        </td>
                        <td data-label="Target" className="k-clip">
                          {target(r)}
                        </td>
                        <td data-label="Approval">{r.auto_approve ? 'runs without approval' : r.risk_level === 'high' ? 'MSP admin' : 'admin (for technicians)'}</td>
                        <td data-label="Updated">
                          <Time iso={r.updated_at ?? r.created_at} />
                        </td>
                        <td data-label="">
                          {isAdminOf(me, r.company_id) && (
                            <div className="row">
                              <button type="button" className="btn btn-sm" aria-label={`Edit ${r.name}`} onClick={() => setEditing(r)}>
                                Edit
                              </button>
                              <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete ${r.name}`} onClick={() => (remove.reset(), setDeleting(r))}>
                                Delete
                              </button>
                            </div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      )}

      {tab === 'library' && (
        <QueryView q={library} loading="Loading the library…">
          {(list) => (
            <>
              {copyNote && <Notice kind="success">{copyNote}</Notice>}
              {copy.isError && <Notice>{(copy.error as Error).message}</Notice>}
              <div className="rb-library">
                {list.map((t) => (
                  <article key={t.id} className="card" aria-labelledby={`tpl-${t.id}`}>
                    <div className="row" style={{ justifyContent: 'space-between' }}>
                      <h2 id={`tpl-${t.id}`}>{t.name}</h2>
                      <RiskBadge risk={t.risk_level} />
                    </div>
                    <p className="muted">{t.description}</p>
                    <dl className="facts">
                      <dt>Category</dt>
                      <dd>{humanize(t.category)}</dd>
                      <dt>Signature</dt>
                      <dd className="mono">{t.signature || '—'}</dd>
                      <dt>Document</dt>
                      <dd className="mono">{t.ssm_document_name}</dd>
                    </dl>
                    <details>
                      <summary>Commands</summary>
                      <pre>{(t.parameters?.commands ?? []).join('\n')}</pre>
                    </details>
                    {admin && (
                      <div className="k-actions">
                        <button
                          type="button"
                          className="btn btn-sm"
                          disabled={!company || copy.isPending}
                          title={company ? undefined : 'Choose a company above first'}
                          onClick={() => copy.mutate(t)}
                        >
                          Copy to {company ? names(company) : 'a company'}
                        </button>
                      </div>
                    )}
                  </article>
                ))}
              </div>
            </>
          )}
        </QueryView>
      )}

      {tab === 'executions' && <ExecutionsList />}

      <Dialog open={editing !== null} title={editing === 'new' ? 'New runbook' : `Edit ${(editing as Runbook | null)?.name ?? ''}`} onClose={() => setEditing(null)}>
        {editing !== null && (
          <RunbookForm
            runbook={editing === 'new' ? null : editing}
            defaultCompany={company}
            onDone={() => {
              void qc.invalidateQueries({ queryKey: ['runbooks', 'list'] });
              setEditing(null);
            }}
          />
        )}
      </Dialog>
      <Confirm
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete runbook"
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        <p>Past executions keep their record.</p>
      </Confirm>
      <p className="muted" style={{ marginTop: 16 }}>
        Runs are requested from an incident. <Link to="/approvals">Approvals waiting</Link>
      </p>
    </div>
  );
}
