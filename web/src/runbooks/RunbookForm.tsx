// Create or edit a runbook (company admins, MSP admins). Checked here first
// (policy.ts), then by the server, whose 422 names the field.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../api/client';
import { useUser } from '../auth/useSession';
import { Field, Notice } from '../components/ui';
import { FieldError, isAdminOf, useCompanies } from '../companies/kit';
import { EMPTY_RUNBOOK, formFromRunbook, runbookBody, validateRunbook, type Runbook, type RunbookForm as Form } from './policy';

export function RunbookForm({ runbook, defaultCompany, onDone }: { runbook: Runbook | null; defaultCompany: string; onDone: () => void }) {
  const me = useUser();
  const companies = (useCompanies().data ?? []).filter((c) => isAdminOf(me, c.id));
  const [f, setF] = useState<Form>(
    runbook ? formFromRunbook(runbook) : { ...EMPTY_RUNBOOK, company_id: companies.some((c) => c.id === defaultCompany) ? defaultCompany : companies[0]?.id ?? '' },
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () => (runbook ? api.put<Runbook>(`/api/runbooks/${runbook.id}`, runbookBody(f, true)) : api.post<Runbook>('/api/runbooks', runbookBody(f, false))),
    onSuccess: onDone,
  });
  const set = (p: Partial<Form>) => setF({ ...f, ...p });

  return (
    <form
      className="k-form"
      onSubmit={(e) => {
        e.preventDefault();
        const errs = validateRunbook(f);
        setErrors(errs);
        if (!Object.keys(errs).length) save.mutate();
      }}
    >
      {!runbook && (
        <Field label="Company">
          <select value={f.company_id} onChange={(e) => set({ company_id: e.target.value })}>
            {companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="Name">
        <input value={f.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
      </Field>
      <FieldError errors={errors} name="name" />
      <Field label="Description">
        <textarea value={f.description} maxLength={4000} onChange={(e) => set({ description: e.target.value })} />
      </Field>
      <div className="k-form-grid">
        <Field label="Risk tier" hint="low: technicians run it (or nobody approves with auto-approve); medium: technicians need an admin; high: an MSP admin approves.">
          <select value={f.risk_level} onChange={(e) => set({ risk_level: e.target.value as Form['risk_level'], auto_approve: e.target.value === 'low' && f.auto_approve })}>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </Field>
        <Field label="Matches alert signature" hint="Suggested for incidents with this signature.">
          <input value={f.signature} onChange={(e) => set({ signature: e.target.value })} placeholder="e.g. disk_space_low" />
        </Field>
        <Field label="SSM document">
          <input value={f.ssm_document_name} onChange={(e) => set({ ssm_document_name: e.target.value })} />
        </Field>
        <Field label="Timeout (seconds)">
          <input inputMode="numeric" value={f.timeout_seconds} onChange={(e) => set({ timeout_seconds: e.target.value })} />
        </Field>
      </div>
      <FieldError errors={errors} name="timeout_seconds" />
      {f.risk_level === 'low' && (
        <label className="k-check">
          <input type="checkbox" checked={f.auto_approve} onChange={(e) => set({ auto_approve: e.target.checked })} />
          Runs without approval (low risk only)
        </label>
      )}
      <FieldError errors={errors} name="auto_approve" />
      <Field label="Commands" hint="One shell command per line (AWS-RunShellScript).">
        <textarea className="mono" rows={4} value={f.commands} onChange={(e) => set({ commands: e.target.value })} />
      </Field>
      <fieldset>
        <legend>Target</legend>
        {(
          [
            ['none', 'Given when run'],
            ['instances', 'Instance ids'],
            ['tag', 'Instances with a tag'],
          ] as const
        ).map(([k, label]) => (
          <label key={k} className="k-check">
            <input type="radio" name="rb-target" checked={f.target_mode === k} onChange={() => set({ target_mode: k })} />
            {label}
          </label>
        ))}
        {f.target_mode === 'instances' && (
          <Field label="Instance ids" hint="Up to 50, separated by commas or spaces (i-… or mi-…).">
            <input value={f.instance_ids} onChange={(e) => set({ instance_ids: e.target.value })} />
          </Field>
        )}
        <FieldError errors={errors} name="instance_ids" />
        {f.target_mode === 'tag' && (
          <div className="k-form-grid">
            <Field label="Tag key">
              <input value={f.target_tag_key} onChange={(e) => set({ target_tag_key: e.target.value })} />
            </Field>
            <Field label="Tag value">
              <input value={f.target_tag_value} onChange={(e) => set({ target_tag_value: e.target.value })} />
            </Field>
          </div>
        )}
        <FieldError errors={errors} name="target_tag_key" />
        <FieldError errors={errors} name="target_tag_value" />
      </fieldset>
      {save.isError && <Notice>{(save.error as Error).message}</Notice>}
      <div className="k-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : runbook ? 'Save runbook' : 'Create runbook'}
        </button>
      </div>
    </form>
  );
}
