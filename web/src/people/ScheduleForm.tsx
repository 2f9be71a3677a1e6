// Create or edit an on-call schedule (company admins). The server validates
// the whole schedule; its 422 names the field and is shown here.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../api/client';
import type { User } from '../api/types';
import { useUser } from '../auth/useSession';
import { Field, Notice } from '../components/ui';
import { isAdminOf, useCompanies } from '../companies/kit';
import { isValidTimeZone, type Schedule } from './calendar';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function ScheduleForm({ schedule, defaultCompany, users, onDone }: {
  schedule: Schedule | null;
  defaultCompany: string;
  users: User[];
  onDone: () => void;
}) {
  const me = useUser();
  const companies = (useCompanies().data ?? []).filter((c) => isAdminOf(me, c.id));
  const browserTz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const [f, setF] = useState<Schedule>(
    schedule ?? {
      id: '', company_id: defaultCompany && companies.some((c) => c.id === defaultCompany) ? defaultCompany : companies[0]?.id ?? '',
      name: '', user_id: '', type: 'weekly', days_of_week: [0, 1, 2, 3, 4], date: '', start_time: '09:00', end_time: '17:00',
      timezone: browserTz, priority: 1, active: true,
    },
  );
  const [error, setError] = useState('');
  const eligible = users.filter((u) => u.role !== 'client' && (u.role === 'msp_admin' || u.role === 'admin' || u.company_ids.includes(f.company_id)));
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = {
        name: f.name, user_id: f.user_id, type: f.type, start_time: f.start_time, end_time: f.end_time, timezone: f.timezone,
        priority: Number(f.priority ?? 1), active: f.active !== false,
      };
      if (f.type === 'weekly') body.days_of_week = f.days_of_week ?? [];
      if (f.type === 'one_time') body.date = f.date;
      if (schedule) return api.put<Schedule>(`/api/on-call-schedules/${schedule.id}`, body);
      return api.post<Schedule>('/api/on-call-schedules', { ...body, company_id: f.company_id });
    },
    onSuccess: onDone,
  });

  return (
    <form
      className="k-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!f.user_id) return setError('Choose who is on call.');
        if (!isValidTimeZone(f.timezone ?? '')) return setError('The time zone must be an IANA name, e.g. Europe/Berlin.');
        if (f.type === 'weekly' && !(f.days_of_week ?? []).length) return setError('Choose at least one day.');
        if (f.type === 'one_time' && !f.date) return setError('Choose the date.');
        setError('');
        save.mutate();
      }}
    >
      {!schedule && (
        <Field label="Company">
          <select value={f.company_id} onChange={(e) => setF({ ...f, company_id: e.target.value, user_id: '' })}>
            {companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="Name">
        <input value={f.name ?? ''} maxLength={200} onChange={(e) => setF({ ...f, name: e.target.value })} placeholder="e.g. Business hours" />
      </Field>
      <Field label="On call" hint="A technician or admin of the company.">
        <select value={f.user_id} onChange={(e) => setF({ ...f, user_id: e.target.value })} required>
          <option value="">Choose…</option>
          {eligible.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name || u.email}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Repeats">
        <select value={f.type} onChange={(e) => setF({ ...f, type: e.target.value as Schedule['type'] })}>
          <option value="weekly">Weekly, on chosen days</option>
          <option value="daily">Every day</option>
          <option value="one_time">Once</option>
        </select>
      </Field>
      {f.type === 'weekly' && (
        <fieldset>
          <legend>Days</legend>
          {DAYS.map((d, i) => (
            <label key={d} className="k-check">
              <input
                type="checkbox"
                checked={(f.days_of_week ?? []).includes(i)}
                onChange={(e) => {
                  const cur = f.days_of_week ?? [];
                  setF({ ...f, days_of_week: e.target.checked ? [...cur, i].sort() : cur.filter((x) => x !== i) });
                }}
              />
              {d}
            </label>
          ))}
        </fieldset>
      )}
      {f.type === 'one_time' && (
        <Field label="Date">
          <input type="date" value={f.date ?? ''} onChange={(e) => setF({ ...f, date: e.target.value })} />
        </Field>
      )}
      <div className="k-form-grid">
        <Field label="Starts">
          <input type="time" value={f.start_time} onChange={(e) => setF({ ...f, start_time: e.target.value })} required />
        </Field>
        <Field label="Ends" hint="At or before the start: the next day.">
          <input type="time" value={f.end_time} onChange={(e) => setF({ ...f, end_time: e.target.value })} required />
        </Field>
        <Field label="Time zone">
          <input value={f.timezone ?? ''} onChange={(e) => setF({ ...f, timezone: e.target.value })} />
        </Field>
        <Field label="Priority" hint="Higher wins when shifts overlap.">
          <input type="number" min={0} max={1000} value={f.priority ?? 1} onChange={(e) => setF({ ...f, priority: Number(e.target.value) })} />
        </Field>
      </div>
      <label className="k-check">
        <input type="checkbox" checked={f.active !== false} onChange={(e) => setF({ ...f, active: e.target.checked })} />
        Active
      </label>
      {(error || save.isError) && <Notice>{error || (save.error as Error).message}</Notice>}
      <div className="k-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : schedule ? 'Save schedule' : 'Create schedule'}
        </button>
      </div>
    </form>
  );
}
