// AWS credentials for runbooks (write-only: the secret and the external id are
// sent, never shown back; the form starts empty every time) and the runbook
// automation switches of the company. Company admins and MSP admins only.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { Notice, Time } from '../components/ui';
import { Confirm, QueryView } from './kit';

interface AwsView {
  configured: boolean;
  mode: 'access_key' | 'assume_role';
  region: string;
  access_key_id_prefix?: string;
  role_arn?: string;
  external_id_set?: boolean;
  updated_at?: string;
}

interface RunbookSettings {
  auto_execute_low_risk: boolean;
  auto_resolve_on_runbook_success: boolean;
}

export function AwsTab({ companyId }: { companyId: string }) {
  return (
    <div className="stack k-form">
      <CredentialsCard companyId={companyId} />
      <AutomationCard companyId={companyId} />
    </div>
  );
}

function CredentialsCard({ companyId }: { companyId: string }) {
  const qc = useQueryClient();
  const key = ['companies', companyId, 'aws-credentials'];
  const q = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      try {
        return await api.get<AwsView>(`/api/companies/${companyId}/aws-credentials`, undefined, signal);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null; // none configured
        throw e;
      }
    },
  });
  const empty = { mode: 'access_key' as 'access_key' | 'assume_role', access_key_id: '', secret: '', role_arn: '', external_id: '', region: '' };
  const [f, setF] = useState(empty);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      api.post<AwsView>(
        `/api/companies/${companyId}/aws-credentials`,
        f.mode === 'access_key'
          ? { access_key_id: f.access_key_id.trim(), secret_access_key: f.secret, ...(f.region.trim() ? { region: f.region.trim() } : {}) }
          : { role_arn: f.role_arn.trim(), external_id: f.external_id, ...(f.region.trim() ? { region: f.region.trim() } : {}) },
      ),
    onSuccess: (v) => {
      qc.setQueryData(key, v);
      setF(empty); // the secret leaves the page with the request
    },
  });
  const remove = useMutation({
    mutationFn: () => api.del(`/api/companies/${companyId}/aws-credentials`),
    onSuccess: () => {
      qc.setQueryData(key, null);
      setConfirmDelete(false);
    },
  });

  return (
    <section className="card" aria-labelledby="aws-h">
      <h2 id="aws-h">AWS credentials for runbooks</h2>
      <p className="muted">Runbooks run through AWS Systems Manager in this company’s account. Secrets are stored encrypted and never shown again.</p>
      <QueryView q={q}>
        {(v) => (
          <>
            {v ? (
              <dl className="facts" data-testid="aws-view">
                <dt>Mode</dt>
                <dd>{v.mode === 'access_key' ? 'Access key' : 'Assumed role'}</dd>
                {v.mode === 'access_key' ? (
                  <>
                    <dt>Access key id</dt>
                    <dd className="mono">{v.access_key_id_prefix}… (secret stored, not shown)</dd>
                  </>
                ) : (
                  <>
                    <dt>Role</dt>
                    <dd className="mono">{v.role_arn}</dd>
                    <dt>External id</dt>
                    <dd>{v.external_id_set ? 'set (not shown)' : 'not set'}</dd>
                  </>
                )}
                <dt>Region</dt>
                <dd>{v.region || 'default'}</dd>
                <dt>Updated</dt>
                <dd>
                  <Time iso={v.updated_at} />
                </dd>
              </dl>
            ) : (
              <p>
                <strong>Not configured.</strong> Runbooks of this company cannot run until credentials are set.
              </p>
            )}
            <form
              className="k-section"
              style={{ marginTop: 12 }}
              autoComplete="off"
              onSubmit={(e) => {
                e.preventDefault();
                save.mutate();
              }}
            >
              <h3>{v ? 'Replace the credentials' : 'Set credentials'}</h3>
              <div role="radiogroup" aria-label="Kind of credentials">
                <label className="k-check">
                  <input type="radio" name="aws-mode" checked={f.mode === 'access_key'} onChange={() => setF({ ...f, mode: 'access_key' })} />
                  Access key
                </label>
                <label className="k-check">
                  <input type="radio" name="aws-mode" checked={f.mode === 'assume_role'} onChange={() => setF({ ...f, mode: 'assume_role' })} />
                  Cross-account role
                </label>
              </div>
              <div className="k-form-grid">
                {f.mode === 'access_key' ? (
                  <>
                    <label className="field">
                      <span className="field-label">Access key id</span>
                      <input value={f.access_key_id} required onChange={(e) => setF({ ...f, access_key_id: e.target.value })} />
                    </label>
                    <label className="field">
                      <span className="field-label">Secret access key</span>
                      <input type="password" autoComplete="new-password" value={f.secret} required onChange={(e) => setF({ ...f, secret: e.target.value })} />
                    </label>
                  </>
                ) : (
                  <>
                    <label className="field">
                      <span className="field-label">Role ARN</span>
                      <input value={f.role_arn} required placeholder="arn:aws:iam::123456789012:role/…" onChange={(e) => setF({ ...f, role_arn: e.target.value })} />
                    </label>
                    <label className="field">
                      <span className="field-label">External id</span>
                      <input type="password" autoComplete="new-password" value={f.external_id} required onChange={(e) => setF({ ...f, external_id: e.target.value })} />
                    </label>
                  </>
                )}
                <label className="field">
                  <span className="field-label">Region</span>
                  <input value={f.region} placeholder="e.g. eu-west-1" onChange={(e) => setF({ ...f, region: e.target.value })} />
                </label>
              </div>
              <div className="k-actions">
                <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                  {save.isPending ? 'Saving…' : 'Save credentials'}
                </button>
                {v && (
                  <button type="button" className="btn btn-danger" onClick={() => (remove.reset(), setConfirmDelete(true))}>
                    Remove credentials…
                  </button>
                )}
              </div>
              {save.isSuccess && <Notice kind="success">Saved. The secret is stored and will not be shown.</Notice>}
              {save.isError && <Notice>{(save.error as Error).message}</Notice>}
            </form>
          </>
        )}
      </QueryView>
      <Confirm
        open={confirmDelete}
        title="Remove the AWS credentials?"
        confirmLabel="Remove"
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirmDelete(false)}
      >
        <p>Runbooks of this company cannot run until new credentials are set.</p>
      </Confirm>
    </section>
  );
}

function AutomationCard({ companyId }: { companyId: string }) {
  const qc = useQueryClient();
  const key = ['companies', companyId, 'runbook-settings'];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<RunbookSettings>(`/api/companies/${companyId}/runbook-settings`, undefined, signal),
  });
  const save = useMutation({
    mutationFn: (s: Partial<RunbookSettings>) => api.put<RunbookSettings>(`/api/companies/${companyId}/runbook-settings`, s),
    onSuccess: (r) => qc.setQueryData(key, r),
  });
  return (
    <section className="card" aria-labelledby="auto-h">
      <h2 id="auto-h">Runbook automation</h2>
      <QueryView q={q}>
        {(s) => (
          <>
            <label className="k-check">
              <input type="checkbox" checked={s.auto_execute_low_risk} disabled={save.isPending} onChange={(e) => save.mutate({ auto_execute_low_risk: e.target.checked })} />
              Run low-risk, auto-approved runbooks by themselves when a matching incident opens
            </label>
            <br />
            <label className="k-check">
              <input type="checkbox" checked={s.auto_resolve_on_runbook_success} disabled={save.isPending} onChange={(e) => save.mutate({ auto_resolve_on_runbook_success: e.target.checked })} />
              Resolve the incident when its runbook succeeds
            </label>
            {save.isError && <Notice>{(save.error as Error).message}</Notice>}
          </>
        )}
      </QueryView>
    </section>
  );
}
