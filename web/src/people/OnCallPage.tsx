// /on-call: who is on call now (per company, from the server), the week's
// shifts as a calendar in the viewer's time zone (computed here with the
// server's rules: calendar.ts), and the schedules (company admins edit them).
import { useMemo, useState } from 'react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { User } from '../api/types';
import { useUser } from '../auth/useSession';
import { Dialog, Empty, Notice, Spinner, useNow } from '../components/ui';
import { formatDateTime } from '../components/format';
import { CompanySelect, Confirm, isAdminOf, PageHead, QueryView, useCompanies, useCompanyNames } from '../companies/kit';
import { hhmm, layoutWeek, shiftIntervals, weekStart, type Schedule } from './calendar';
import { ScheduleForm } from './ScheduleForm';
import './people.css';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WEEK = 7 * 86400e3;

interface Current {
  company_id: string;
  on_call: boolean;
  user_id: string | null;
  user_name?: string;
  user_email?: string;
  schedule_name?: string;
  override?: boolean;
  since?: string;
  until?: string | null;
}

function hue(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

export default function OnCallPage() {
  const me = useUser();
  const qc = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const company = search.get('company') ?? '';
  const setCompany = (id: string) => setSearch(id ? { company: id } : {}, { replace: true });
  const companies = useCompanies();
  const names = useCompanyNames();
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const now = useNow(60_000);
  const [offset, setOffset] = useState(0);
  const monday = weekStart(now, tz) + offset * WEEK;
  // DST weeks are 167/169 hours long: the next Monday is found from mid-week.
  const nextMonday = weekStart(monday + WEEK + 12 * 3600e3, tz);

  const schedules = useQuery({
    queryKey: ['oncall', 'schedules', company],
    queryFn: async ({ signal }) => (await api.all<Schedule>('/api/on-call-schedules', { company_id: company }, 2000, signal)).items,
  });
  const users = useQuery({
    queryKey: ['users', 'all'],
    queryFn: async ({ signal }) => (await api.all<User>('/api/users', {}, 2000, signal)).items,
    retry: false,
  });

  const shown = company ? [company] : (companies.data ?? []).slice(0, 12).map((c) => c.id);
  const current = useQueries({
    queries: shown.map((id) => ({
      queryKey: ['oncall', 'current', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<Current>('/api/on-call/current', { company_id: id }, signal),
      refetchInterval: 60_000,
    })),
  });

  // Names: the users list (admins), else what "on call now" told us, else a short id.
  const userName = (id: string) => {
    const u = users.data?.find((x) => x.id === id);
    if (u) return u.name || u.email;
    if (id === me.id) return me.name || me.email;
    const c = current.find((q) => q.data?.user_id === id)?.data;
    return c?.user_name || c?.user_email || `user …${id.slice(-6)}`;
  };

  const blocks = useMemo(() => {
    const ivs = (schedules.data ?? []).flatMap((s) => shiftIntervals(s, monday, nextMonday));
    return layoutWeek(ivs, monday, tz);
  }, [schedules.data, monday, nextMonday, tz]);
  const scheduleById = new Map((schedules.data ?? []).map((s) => [s.id, s]));

  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const remove = useMutation({
    mutationFn: (s: Schedule) => api.del(`/api/on-call-schedules/${s.id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['oncall'] });
      setDeleting(null);
    },
  });
  const canCreate = (companies.data ?? []).some((c) => isAdminOf(me, c.id));
  const todayCol = Math.floor((now - monday) / 86400e3);

  return (
    <div>
      <PageHead title="On call" sub={`Times in your time zone (${tz}).`}>
        {canCreate && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New schedule
          </button>
        )}
      </PageHead>
      <div className="k-filters">
        <CompanySelect value={company} onChange={setCompany} allLabel="All companies" />
      </div>

      <section aria-labelledby="now-h" className="k-section">
        <h2 id="now-h">On call now</h2>
        <div className="k-tiles">
          {shown.map((id, i) => {
            const c = current[i];
            return (
              <div key={id} className="k-tile" data-testid="oncall-now">
                <div className="k-tile-label">{names(id)}</div>
                {c.isPending ? (
                  <Spinner />
                ) : c.isError ? (
                  <div className="k-field-error">{(c.error as Error).message}</div>
                ) : c.data?.on_call ? (
                  <>
                    <div className="oc-who">{c.data.user_name || c.data.user_email || userName(c.data.user_id ?? '')}</div>
                    <div className="k-tile-note">
                      {c.data.override ? 'Override' : c.data.schedule_name || 'Schedule'} · until {formatDateTime(c.data.until ?? null)}
                    </div>
                  </>
                ) : (
                  <div className="oc-who muted">Nobody</div>
                )}
              </div>
            );
          })}
        </div>
      </section>

      <section aria-labelledby="week-h" className="k-section">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2 id="week-h">
            Week of {new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric', timeZone: tz }).format(monday)}
          </h2>
          <div className="row">
            <button type="button" className="btn btn-sm" onClick={() => setOffset(offset - 1)} aria-label="Previous week">
              ‹ Previous
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setOffset(0)} disabled={offset === 0}>
              This week
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setOffset(offset + 1)} aria-label="Next week">
              Next ›
            </button>
          </div>
        </div>
        <QueryView q={schedules} loading="Loading schedules…">
          {() =>
            blocks.length === 0 ? (
              <Empty title="Nobody is scheduled this week." />
            ) : (
              <>
                <div className="oc-week" role="table" aria-label="Shifts of the week">
                  <div className="oc-hours" aria-hidden="true">
                    {[0, 6, 12, 18].map((h) => (
                      <span key={h} style={{ top: `${(h / 24) * 100}%` }}>
                        {String(h).padStart(2, '0')}:00
                      </span>
                    ))}
                  </div>
                  {DAY_NAMES.map((d, col) => (
                    <div key={d} className={`oc-day ${col === todayCol && offset === 0 ? 'oc-today' : ''}`} role="row">
                      <div className="oc-day-name" role="columnheader">
                        {d.slice(0, 3)}
                      </div>
                      <div className="oc-day-body">
                        {blocks
                          .filter((b) => b.day === col)
                          .map((b, i) => {
                            const s = scheduleById.get(b.interval.schedule_id);
                            const who = userName(b.interval.user_id);
                            return (
                              <div
                                key={i}
                                role="cell"
                                className={`oc-block ${b.interval.override ? 'oc-override' : ''}`}
                                style={{ top: `${(b.top / 1440) * 100}%`, height: `${((b.bottom - b.top) / 1440) * 100}%`, ['--h' as string]: hue(b.interval.user_id) }}
                                title={`${who} · ${s?.name ?? ''} · ${hhmm(b.top)}–${hhmm(b.bottom)}${b.interval.override ? ' (override)' : ''}`}
                              >
                                <strong>{who}</strong>
                                <span>
                                  {hhmm(b.top)}–{hhmm(b.bottom)}
                                </span>
                              </div>
                            );
                          })}
                        {col === todayCol && offset === 0 && <div className="oc-now" style={{ top: `${((now - monday - col * 86400e3) / 86400e3) * 100}%` }} aria-hidden="true" />}
                      </div>
                    </div>
                  ))}
                </div>
                {/* A phone gets the same week as a list. */}
                <ol className="oc-agenda" aria-label="Shifts of the week, as a list">
                  {DAY_NAMES.map((d, col) => {
                    const day = blocks.filter((b) => b.day === col);
                    return (
                      <li key={d}>
                        <strong>{d}</strong>
                        {day.length === 0 ? (
                          <span className="muted"> — nobody</span>
                        ) : (
                          <ul>
                            {day.map((b, i) => (
                              <li key={i}>
                                {hhmm(b.top)}–{hhmm(b.bottom)} {userName(b.interval.user_id)}
                                {b.interval.override ? ' (override)' : ''}
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    );
                  })}
                </ol>
              </>
            )
          }
        </QueryView>
      </section>

      <section aria-labelledby="sched-h" className="k-section">
        <h2 id="sched-h">Schedules</h2>
        {schedules.data && schedules.data.length === 0 && <Empty title="No schedules yet." />}
        {schedules.data && schedules.data.length > 0 && (
          <div className="table-wrap">
            <table className="table k-rtable">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Company</th>
                  <th scope="col">Who</th>
                  <th scope="col">When</th>
                  <th scope="col">Priority</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {schedules.data.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Name">
                      {s.name || '—'} {s.active === false && <span className="badge status">inactive</span>}
                    </td>
                    <td data-label="Company">{names(s.company_id)}</td>
                    <td data-label="Who">{userName(s.user_id)}</td>
                    <td data-label="When">{describe(s)}</td>
                    <td data-label="Priority">{s.priority ?? 1}</td>
                    <td data-label="">
                      {isAdminOf(me, s.company_id) && (
                        <div className="row">
                          <button type="button" className="btn btn-sm" aria-label={`Edit ${s.name || 'schedule'}`} onClick={() => setEditing(s)}>
                            Edit
                          </button>
                          <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete ${s.name || 'schedule'}`} onClick={() => (remove.reset(), setDeleting(s))}>
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
        )}
      </section>

      <Dialog open={editing !== null} title={editing === 'new' ? 'New on-call schedule' : 'Edit schedule'} onClose={() => setEditing(null)}>
        {editing !== null && (
          <ScheduleForm
            schedule={editing === 'new' ? null : editing}
            defaultCompany={company}
            users={users.data ?? []}
            onDone={() => {
              void qc.invalidateQueries({ queryKey: ['oncall'] });
              setEditing(null);
            }}
          />
        )}
      </Dialog>
      <Confirm
        open={deleting !== null}
        title="Delete this schedule?"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        <p>Its shifts and overrides end now.</p>
      </Confirm>
      {remove.isError && !deleting && <Notice>{(remove.error as Error).message}</Notice>}
    </div>
  );
}

function describe(s: Schedule): string {
  const t = `${s.start_time}–${s.end_time} ${s.timezone ?? 'UTC'}`;
  if (s.type === 'daily') return `Every day ${t}`;
  if (s.type === 'one_time') return `${s.date} ${t}`;
  return `${(s.days_of_week ?? []).map((d) => DAY_NAMES[d]?.slice(0, 3)).join(' ')} ${t}`;
}
