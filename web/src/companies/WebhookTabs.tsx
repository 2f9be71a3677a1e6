// The webhook tabs: API key (copy, rotate with confirmation), webhook URL and
// a curl example; HMAC signing (the secret shown once: only from the
// enable/regenerate answer, kept in this component's state, never cached or
// read back) and the rate limit.
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Company } from '../api/types';
import { useUser } from '../auth/useSession';
import { can } from '../components/roles';
import { Notice, Time } from '../components/ui';
import { curlExample, intOf, validateRateLimit, webhookUrl, type Errors, type RateLimit } from './config';
import { Confirm, CopyButton, FieldError, QueryView } from './kit';

interface Security {
  company_id: string;
  enabled: boolean;
  has_secret: boolean;
  signature_header: string;
  timestamp_header: string;
  signature_format: string;
  max_timestamp_diff_seconds: number;
  updated_at?: string;
  hmac_secret?: string;
}

const securityKey = (id: string) => ['companies', id, 'webhook-security'] as const;

/** GET webhook-security without the secret: the API returns it, this app never keeps or shows it from there. */
function useSecurity(companyId: string) {
  return useQuery({
    queryKey: securityKey(companyId),
    queryFn: async ({ signal }) => {
      const s = await api.get<Security>(`/api/companies/${companyId}/webhook-security`, undefined, signal);
      delete s.hmac_secret;
      return s;
    },
  });
}

export function ApiKeyTab({ company }: { company: Company }) {
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const [rotated, setRotated] = useState(false);
  const sec = useSecurity(company.id);
  const rotate = useMutation({
    mutationFn: () => api.post<{ api_key: string }>(`/api/companies/${company.id}/regenerate-api-key`),
    onSuccess: (r) => {
      qc.setQueryData<Company>(qk.company(company.id), (old) => (old ? { ...old, api_key: r.api_key } : old));
      void qc.invalidateQueries({ queryKey: qk.companies });
      setConfirm(false);
      setRotated(true);
    },
  });
  const key = company.api_key ?? '';
  const url = webhookUrl(window.location.origin);
  const curl = curlExample(window.location.origin, key || '<API key>', Boolean(sec.data?.enabled));

  return (
    <div className="stack k-form">
      <section className="card" aria-labelledby="apikey-h">
        <h2 id="apikey-h">API key</h2>
        <p className="muted">Senders put it in the X-API-Key header (or ?api_key=). Anyone holding it can post alerts for {company.name}.</p>
        <div className="k-secret">
          <code data-testid="api-key">{key || '—'}</code>
          {key && <CopyButton text={key} label="Copy the API key" />}
        </div>
        {rotated && <Notice kind="success">A new key is active. The old key stopped working: update every sender.</Notice>}
        <div className="k-actions">
          <button
            type="button"
            className="btn btn-danger"
            onClick={() => {
              rotate.reset();
              setConfirm(true);
            }}
          >
            Rotate API key…
          </button>
        </div>
      </section>
      <section className="card" aria-labelledby="url-h">
        <h2 id="url-h">Webhook URL</h2>
        <div className="k-secret">
          <code>{url}</code>
          <CopyButton text={url} label="Copy the webhook URL" />
        </div>
        <h3 style={{ marginTop: 12 }}>Try it</h3>
        <p className="muted">
          {sec.data?.enabled
            ? 'Signing is on: set AW_WEBHOOK_SECRET to the signing secret first; the command signs the body with it.'
            : 'Posts one test alert; it opens an incident in the queue.'}
        </p>
        <pre data-testid="curl-example">{curl}</pre>
        <CopyButton text={curl} label="Copy the curl command" />
      </section>
      <Confirm
        open={confirm}
        title="Rotate the API key?"
        confirmLabel="Rotate now"
        danger
        busy={rotate.isPending}
        error={rotate.error}
        onConfirm={() => rotate.mutate()}
        onClose={() => setConfirm(false)}
      >
        <p>
          A new key is made and <strong>the current key stops working at once</strong>. Every tool that sends alerts for {company.name} must
          be given the new key, or its alerts are refused (401).
        </p>
      </Confirm>
    </div>
  );
}

export function SecurityTab({ companyId }: { companyId: string }) {
  return (
    <div className="stack k-form">
      <SigningCard companyId={companyId} />
      <RateLimitCard companyId={companyId} />
    </div>
  );
}

function SigningCard({ companyId }: { companyId: string }) {
  const qc = useQueryClient();
  const q = useSecurity(companyId);
  // The secret lives only here, until the user leaves the page.
  const [secret, setSecret] = useState<string | null>(null);
  const [ask, setAsk] = useState<'' | 'regenerate' | 'disable'>('');
  const act = useMutation({
    mutationFn: (what: 'enable' | 'disable' | 'regenerate-secret') =>
      api.post<Security>(`/api/companies/${companyId}/webhook-security/${what}`),
    onSuccess: (s) => {
      setSecret(s.hmac_secret ?? null);
      const { hmac_secret: _drop, ...rest } = s;
      void _drop;
      qc.setQueryData(securityKey(companyId), rest);
      setAsk('');
    },
  });

  return (
    <section className="card" aria-labelledby="hmac-h">
      <h2 id="hmac-h">Webhook signing (HMAC)</h2>
      <QueryView q={q} loading="Loading signing settings…">
        {(s) => (
          <>
            <p>
              Signing is <strong data-testid="hmac-state">{s.enabled ? 'on' : 'off'}</strong>
              {s.updated_at && (
                <span className="muted">
                  {' '}
                  (changed <Time iso={s.updated_at} />)
                </span>
              )}
              .
            </p>
            <p className="muted">
              {s.enabled
                ? `Every webhook must carry ${s.timestamp_header} (Unix seconds, at most ${s.max_timestamp_diff_seconds} s off) and ${s.signature_header}: ${s.signature_format}. Unsigned requests are refused.`
                : 'When on, every webhook must be signed with a shared secret, so a leaked API key alone cannot post alerts.'}
            </p>
            {secret && (
              <div className="notice notice-info" data-testid="hmac-secret-box">
                <strong>Signing secret — copy it now, it will not be shown again.</strong>
                <div className="k-secret" style={{ marginTop: 6 }}>
                  <code data-testid="hmac-secret">{secret}</code>
                  <CopyButton text={secret} label="Copy the signing secret" />
                </div>
              </div>
            )}
            {!secret && s.enabled && s.has_secret && <p className="muted">The secret is set. It is never shown again; regenerate it if it is lost.</p>}
            <div className="k-actions">
              {!s.enabled && (
                <button type="button" className="btn btn-primary" disabled={act.isPending} onClick={() => act.mutate('enable')}>
                  Enable signing
                </button>
              )}
              {s.enabled && (
                <>
                  <button type="button" className="btn" onClick={() => (act.reset(), setAsk('regenerate'))}>
                    Regenerate secret…
                  </button>
                  <button type="button" className="btn btn-danger" onClick={() => (act.reset(), setAsk('disable'))}>
                    Disable signing…
                  </button>
                </>
              )}
            </div>
            {act.isError && !ask && <Notice>{(act.error as Error).message}</Notice>}
          </>
        )}
      </QueryView>
      <Confirm
        open={ask !== ''}
        title={ask === 'regenerate' ? 'Regenerate the signing secret?' : 'Disable webhook signing?'}
        confirmLabel={ask === 'regenerate' ? 'Regenerate' : 'Disable signing'}
        danger
        busy={act.isPending}
        error={act.error}
        onConfirm={() => act.mutate(ask === 'regenerate' ? 'regenerate-secret' : 'disable')}
        onClose={() => setAsk('')}
      >
        {ask === 'regenerate' ? (
          <p>Senders signing with the current secret are refused from now on, until they get the new one.</p>
        ) : (
          <p>Webhooks are then accepted with the API key alone.</p>
        )}
      </Confirm>
    </section>
  );
}

function RateLimitCard({ companyId }: { companyId: string }) {
  const user = useUser();
  const qc = useQueryClient();
  const editable = can.administerMsp(user);
  const key = ['companies', companyId, 'rate-limit'];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<RateLimit>(`/api/companies/${companyId}/rate-limit`, undefined, signal),
  });
  const [form, setForm] = useState({ enabled: true, rpm: '', burst: '' });
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    if (q.data) setForm({ enabled: q.data.enabled, rpm: String(q.data.requests_per_minute), burst: String(q.data.burst_size) });
  }, [q.data]);
  const save = useMutation({
    mutationFn: (body: RateLimit) => api.put<RateLimit>(`/api/companies/${companyId}/rate-limit`, body),
    onSuccess: (r) => qc.setQueryData(key, r),
  });
  return (
    <section className="card" aria-labelledby="rl-h">
      <h2 id="rl-h">Rate limit</h2>
      <QueryView q={q}>
        {(r) =>
          !editable ? (
            <p>
              {r.enabled
                ? `${r.requests_per_minute} webhooks per minute, bursts of up to ${r.burst_size}. Above it senders get 429 with Retry-After.`
                : 'No rate limit.'}{' '}
              <span className="muted">Set by your MSP.</span>
            </p>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const body = { enabled: form.enabled, requests_per_minute: intOf(form.rpm), burst_size: intOf(form.burst) };
                const errs = validateRateLimit(body);
                setErrors(errs);
                if (Object.keys(errs).length === 0) save.mutate(body);
              }}
            >
              <label className="k-check">
                <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
                Limit webhooks for this company
              </label>
              <div className="k-form-grid">
                <label className="field">
                  <span className="field-label">Requests per minute</span>
                  <input inputMode="numeric" value={form.rpm} onChange={(e) => setForm({ ...form, rpm: e.target.value })} />
                  <FieldError errors={errors} name="requests_per_minute" />
                </label>
                <label className="field">
                  <span className="field-label">Burst size</span>
                  <input inputMode="numeric" value={form.burst} onChange={(e) => setForm({ ...form, burst: e.target.value })} />
                  <FieldError errors={errors} name="burst_size" />
                </label>
              </div>
              <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save rate limit'}
              </button>
              {save.isSuccess && <Notice kind="success">Saved. The new limit starts with a full bucket.</Notice>}
              {save.isError && <Notice>{(save.error as Error).message}</Notice>}
            </form>
          )
        }
      </QueryView>
    </section>
  );
}
