// Correlation, SLA and escalation settings of a company: read by every user of
// it, changed by its admins (the form is rendered only for them).
import { useEffect, useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { User } from '../api/types';
import { Notice } from '../components/ui';
import { humanize } from '../components/format';
import { isValidTimeZone } from '../people/calendar';
import {
  AGGREGATION_KEYS, ESCALATION_TARGETS, intOf, validateCorrelation, validateEscalation, validateSla, type CorrelationConfig,
  type Errors, type EscalationPolicy, type EscalationTarget, type SlaConfig,
} from './config';
import { fieldOfError, FieldError, QueryView } from './kit';

const SEVS = ['critical', 'high', 'medium', 'low'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Loads a config, keeps an editable copy, validates and PUTs it. */
function useConfig<T>(companyId: string, path: string) {
  const qc = useQueryClient();
  const key = ['companies', companyId, path];
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<T>(`/api/companies/${companyId}/${path}`, undefined, signal) });
  const save = useMutation({
    mutationFn: (body: T) => api.put<T>(`/api/companies/${companyId}/${path}`, body),
    onSuccess: (r) => qc.setQueryData(key, r),
  });
  return { q, save };
}

function SaveRow({ save, label }: { save: { isPending: boolean; isSuccess: boolean; isError: boolean; error: unknown }; label: string }) {
  return (
    <div>
      <button type="submit" className="btn btn-primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : label}
      </button>
      {save.isSuccess && <Notice kind="success">Saved.</Notice>}
      {save.isError && <Notice>{(save.error as Error).message}</Notice>}
    </div>
  );
}

function NumField({ label, value, onChange, name, errors, hint }: {
  label: string; value: string; onChange: (v: string) => void; name: string; errors: Errors; hint?: string;
}) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={Boolean(errors[name])} />
      {hint && <span className="field-hint">{hint}</span>}
      <FieldError errors={errors} name={name} />
    </label>
  );
}

function withServerError(errors: Errors, err: unknown): Errors {
  const f = fieldOfError(err);
  return f && !errors[f] ? { ...errors, [f]: (err as Error).message } : errors;
}

function ReadOnly({ children }: { children: ReactNode }) {
  return <dl className="facts">{children}</dl>;
}

export function CorrelationTab({ companyId, admin }: { companyId: string; admin: boolean }) {
  const { q, save } = useConfig<CorrelationConfig>(companyId, 'correlation-config');
  const [f, setF] = useState({ window: '', key: 'asset|signature', min: '', auto_correlate: true, auto_resolve: true });
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    if (q.data) {
      setF({ window: String(q.data.time_window_minutes), key: q.data.aggregation_key, min: String(q.data.min_alerts_for_incident),
        auto_correlate: q.data.auto_correlate, auto_resolve: q.data.auto_resolve });
    }
  }, [q.data]);
  return (
    <section className="card k-form" aria-label="Correlation">
      <h2>Correlation</h2>
      <p className="muted">How alerts are grouped into incidents. An alert joins the open incident of its key while that incident’s last alert is within the window.</p>
      <QueryView q={q}>
        {(c) =>
          !admin ? (
            <ReadOnly>
              <dt>Window</dt><dd>{c.time_window_minutes} minutes</dd>
              <dt>Key</dt><dd className="mono">{c.aggregation_key}</dd>
              <dt>Alerts to open an incident</dt><dd>{c.min_alerts_for_incident}</dd>
              <dt>Correlate automatically</dt><dd>{c.auto_correlate ? 'yes' : 'no'}</dd>
              <dt>Resolve when all alerts resolve</dt><dd>{c.auto_resolve ? 'yes' : 'no'}</dd>
            </ReadOnly>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const body: CorrelationConfig = { time_window_minutes: intOf(f.window), aggregation_key: f.key,
                  min_alerts_for_incident: intOf(f.min), auto_correlate: f.auto_correlate, auto_resolve: f.auto_resolve };
                const errs = validateCorrelation(body);
                setErrors(errs);
                if (!Object.keys(errs).length) save.mutate(body, { onError: (err) => setErrors((x) => withServerError(x, err)) });
              }}
            >
              <div className="k-form-grid">
                <NumField label="Time window (minutes)" value={f.window} onChange={(v) => setF({ ...f, window: v })} name="time_window_minutes" errors={errors} hint="1–1,440" />
                <label className="field">
                  <span className="field-label">Aggregation key</span>
                  <select value={f.key} onChange={(e) => setF({ ...f, key: e.target.value })}>
                    {AGGREGATION_KEYS.map((k) => <option key={k} value={k}>{k}</option>)}
                  </select>
                </label>
                <NumField label="Alerts to open an incident" value={f.min} onChange={(v) => setF({ ...f, min: v })} name="min_alerts_for_incident" errors={errors} hint="1–1,000" />
              </div>
              <label className="k-check"><input type="checkbox" checked={f.auto_correlate} onChange={(e) => setF({ ...f, auto_correlate: e.target.checked })} />Open incidents automatically</label>
              <label className="k-check"><input type="checkbox" checked={f.auto_resolve} onChange={(e) => setF({ ...f, auto_resolve: e.target.checked })} />Resolve an incident when all its alerts resolved</label>
              <SaveRow save={save} label="Save correlation" />
            </form>
          )
        }
      </QueryView>
    </section>
  );
}

type SlaForm = { enabled: boolean; resp: Record<string, string>; res: Record<string, string>; warn: string;
  bh: { enabled: boolean; timezone: string; start: string; end: string; days: number[] } };

export function SlaTab({ companyId, admin }: { companyId: string; admin: boolean }) {
  const { q, save } = useConfig<SlaConfig>(companyId, 'sla-config');
  const [f, setF] = useState<SlaForm | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    if (!q.data) return;
    const c = q.data;
    const strs = (r: Record<string, number>) => Object.fromEntries(SEVS.map((s) => [s, String(r[s] ?? '')]));
    setF({ enabled: c.enabled, resp: strs(c.response_minutes), res: strs(c.resolution_minutes), warn: String(c.warning_percent),
      bh: { ...c.business_hours, days: [...(c.business_hours?.days ?? [])] } });
  }, [q.data]);
  return (
    <section className="card" aria-label="SLA">
      <h2>Service level targets</h2>
      <p className="muted">Minutes to respond (acknowledge) and to resolve, per severity. With business hours on, the clock runs only within them.</p>
      <QueryView q={q}>
        {(c) =>
          !admin || !f ? (
            <ReadOnly>
              <dt>SLA</dt><dd>{c.enabled ? 'on' : 'off'}{c.is_default ? ' (defaults)' : ''}</dd>
              {SEVS.map((s) => (
                <FragmentRow key={s} label={humanize(s)} value={`respond ${c.response_minutes[s]} min · resolve ${c.resolution_minutes[s]} min`} />
              ))}
              <dt>Warning</dt><dd>when {c.warning_percent} % of a target has elapsed</dd>
              <dt>Business hours</dt>
              <dd>{c.business_hours.enabled ? `${c.business_hours.start}–${c.business_hours.end} ${c.business_hours.timezone}, ${c.business_hours.days.map((d) => DAYS[d]).join(' ')}` : 'off (24/7)'}</dd>
            </ReadOnly>
          ) : (
            <form
              className="k-form"
              onSubmit={(e) => {
                e.preventDefault();
                const nums = (r: Record<string, string>) => Object.fromEntries(SEVS.map((s) => [s, intOf(r[s])]));
                const body: SlaConfig = { enabled: f.enabled, response_minutes: nums(f.resp), resolution_minutes: nums(f.res),
                  warning_percent: intOf(f.warn), business_hours: f.bh };
                const errs = validateSla(body, isValidTimeZone);
                setErrors(errs);
                if (!Object.keys(errs).length) save.mutate(body, { onError: (err) => setErrors((x) => withServerError(x, err)) });
              }}
            >
              <label className="k-check"><input type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.target.checked })} />SLA tracking on</label>
              <div className="table-wrap">
                <table className="table">
                  <thead><tr><th scope="col">Severity</th><th scope="col">Respond within (min)</th><th scope="col">Resolve within (min)</th></tr></thead>
                  <tbody>
                    {SEVS.map((s) => (
                      <tr key={s}>
                        <th scope="row">{humanize(s)}</th>
                        <td>
                          <input aria-label={`${s} response minutes`} inputMode="numeric" size={7} value={f.resp[s]} onChange={(e) => setF({ ...f, resp: { ...f.resp, [s]: e.target.value } })} />
                          <FieldError errors={errors} name={`response_minutes.${s}`} />
                        </td>
                        <td>
                          <input aria-label={`${s} resolution minutes`} inputMode="numeric" size={7} value={f.res[s]} onChange={(e) => setF({ ...f, res: { ...f.res, [s]: e.target.value } })} />
                          <FieldError errors={errors} name={`resolution_minutes.${s}`} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="k-form-grid" style={{ marginTop: 10 }}>
                <NumField label="Warn at (% of a target elapsed)" value={f.warn} onChange={(v) => setF({ ...f, warn: v })} name="warning_percent" errors={errors} hint="1–99; 80 warns after 24 of 30 minutes" />
              </div>
              <fieldset className="k-section">
                <legend>Business hours</legend>
                <label className="k-check"><input type="checkbox" checked={f.bh.enabled} onChange={(e) => setF({ ...f, bh: { ...f.bh, enabled: e.target.checked } })} />Count SLA time only within business hours</label>
                <div className="k-form-grid">
                  <label className="field"><span className="field-label">Time zone</span>
                    <input value={f.bh.timezone} onChange={(e) => setF({ ...f, bh: { ...f.bh, timezone: e.target.value } })} placeholder="Europe/Berlin" />
                    <FieldError errors={errors} name="business_hours.timezone" />
                  </label>
                  <label className="field"><span className="field-label">Start</span>
                    <input type="time" value={f.bh.start} onChange={(e) => setF({ ...f, bh: { ...f.bh, start: e.target.value } })} />
                    <FieldError errors={errors} name="business_hours.start" />
                  </label>
                  <label className="field"><span className="field-label">End</span>
                    <input value={f.bh.end} onChange={(e) => setF({ ...f, bh: { ...f.bh, end: e.target.value } })} placeholder="17:00 (24:00 allowed)" />
                    <FieldError errors={errors} name="business_hours.end" />
                  </label>
                </div>
                <div role="group" aria-label="Business days">
                  {DAYS.map((d, i) => (
                    <label key={d} className="k-check">
                      <input type="checkbox" checked={f.bh.days.includes(i)} onChange={(e) => setF({ ...f, bh: { ...f.bh, days: e.target.checked ? [...f.bh.days, i].sort() : f.bh.days.filter((x) => x !== i) } })} />
                      {d}
                    </label>
                  ))}
                  <FieldError errors={errors} name="business_hours.days" />
                </div>
              </fieldset>
              <SaveRow save={save} label="Save SLA" />
            </form>
          )
        }
      </QueryView>
    </section>
  );
}

function FragmentRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

type Level = { delay: string; target: EscalationTarget; user_ids: string[] };

export function EscalationTab({ companyId, admin }: { companyId: string; admin: boolean }) {
  const { q, save } = useConfig<EscalationPolicy>(companyId, 'escalation-policy');
  const users = useQuery({
    queryKey: ['users', 'all'],
    queryFn: async ({ signal }) => (await api.all<User>('/api/users', {}, 2000, signal)).items,
    enabled: admin,
  });
  const eligible = (users.data ?? []).filter((u) => u.role !== 'client' && (u.role === 'msp_admin' || u.role === 'admin' || u.company_ids.includes(companyId)));
  const [levels, setLevels] = useState<Level[]>([]);
  const [t, setT] = useState({ enabled: true, unack: '', prio: '', warn: true, breach: true });
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    if (!q.data) return;
    setLevels(q.data.levels.map((l) => ({ delay: String(l.delay_minutes), target: l.target, user_ids: l.user_ids ?? [] })));
    const tr = q.data.triggers;
    setT({ enabled: q.data.enabled, unack: String(tr.unacknowledged_minutes), prio: tr.priority_threshold === null ? '' : String(tr.priority_threshold),
      warn: tr.sla_warning, breach: tr.sla_breach });
  }, [q.data]);
  const setLevel = (i: number, l: Partial<Level>) => setLevels(levels.map((x, j) => (j === i ? { ...x, ...l } : x)));
  return (
    <section className="card" aria-label="Escalation">
      <h2>Escalation policy</h2>
      <p className="muted">Who is told, and after how long, when an incident is not acknowledged in time or its SLA is at risk.</p>
      <QueryView q={q}>
        {(p) =>
          !admin ? (
            <ReadOnly>
              <dt>Escalation</dt><dd>{p.enabled ? 'on' : 'off'}</dd>
              {p.levels.map((l, i) => (
                <FragmentRow key={i} label={`Level ${i + 1}`} value={`after ${l.delay_minutes} min: ${ESCALATION_TARGETS[l.target] ?? l.target}`} />
              ))}
              <dt>Unacknowledged after</dt><dd>{p.triggers.unacknowledged_minutes ? `${p.triggers.unacknowledged_minutes} min` : 'off'}</dd>
              <dt>SLA warning / breach</dt><dd>{p.triggers.sla_warning ? 'yes' : 'no'} / {p.triggers.sla_breach ? 'yes' : 'no'}</dd>
            </ReadOnly>
          ) : (
            <form
              className="k-form"
              onSubmit={(e) => {
                e.preventDefault();
                const body: EscalationPolicy = {
                  enabled: t.enabled,
                  levels: levels.map((l) => ({ delay_minutes: intOf(l.delay), target: l.target, ...(l.target === 'users' ? { user_ids: l.user_ids } : {}) })),
                  triggers: { unacknowledged_minutes: intOf(t.unack), priority_threshold: t.prio.trim() === '' ? null : intOf(t.prio), sla_warning: t.warn, sla_breach: t.breach },
                };
                const errs = validateEscalation(body);
                setErrors(errs);
                if (!Object.keys(errs).length) save.mutate(body, { onError: (err) => setErrors((x) => withServerError(x, err)) });
              }}
            >
              <label className="k-check"><input type="checkbox" checked={t.enabled} onChange={(e) => setT({ ...t, enabled: e.target.checked })} />Escalate automatically</label>
              <fieldset className="k-section">
                <legend>Levels</legend>
                <FieldError errors={errors} name="levels" />
                {levels.map((l, i) => (
                  <div key={i} className="row" style={{ marginBottom: 8, alignItems: 'flex-start' }}>
                    <strong style={{ minWidth: 60 }}>Level {i + 1}</strong>
                    <label className="k-inline"><span>After (min)</span>
                      <input inputMode="numeric" size={6} value={l.delay} onChange={(e) => setLevel(i, { delay: e.target.value })} />
                      <FieldError errors={errors} name={`levels[${i}].delay_minutes`} />
                    </label>
                    <label className="k-inline"><span>Notify</span>
                      <select value={l.target} onChange={(e) => setLevel(i, { target: e.target.value as EscalationTarget })}>
                        {Object.entries(ESCALATION_TARGETS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
                      </select>
                    </label>
                    {l.target === 'users' && (
                      <label className="k-inline"><span>People</span>
                        <select multiple size={3} value={l.user_ids} onChange={(e) => setLevel(i, { user_ids: Array.from(e.target.selectedOptions).map((o) => o.value) })}>
                          {eligible.map((u) => <option key={u.id} value={u.id}>{u.name || u.email}</option>)}
                        </select>
                        <FieldError errors={errors} name={`levels[${i}].user_ids`} />
                      </label>
                    )}
                    <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove level ${i + 1}`} disabled={levels.length <= 1} onClick={() => setLevels(levels.filter((_, j) => j !== i))}>Remove</button>
                  </div>
                ))}
                <button type="button" className="btn btn-sm" disabled={levels.length >= 10}
                  onClick={() => setLevels([...levels, { delay: levels.length ? levels[levels.length - 1].delay : '0', target: 'msp_admins', user_ids: [] }])}>
                  Add level
                </button>
              </fieldset>
              <fieldset className="k-section">
                <legend>Triggers</legend>
                <div className="k-form-grid">
                  <NumField label="Unacknowledged after (min)" value={t.unack} onChange={(v) => setT({ ...t, unack: v })} name="triggers.unacknowledged_minutes" errors={errors} hint="0 = off" />
                  <NumField label="Priority at least" value={t.prio} onChange={(v) => setT({ ...t, prio: v })} name="triggers.priority_threshold" errors={errors} hint="empty = off; 0–1,000" />
                </div>
                <label className="k-check"><input type="checkbox" checked={t.warn} onChange={(e) => setT({ ...t, warn: e.target.checked })} />On an SLA warning</label>
                <label className="k-check"><input type="checkbox" checked={t.breach} onChange={(e) => setT({ ...t, breach: e.target.checked })} />On an SLA breach</label>
              </fieldset>
              <SaveRow save={save} label="Save escalation policy" />
            </form>
          )
        }
      </QueryView>
    </section>
  );
}
