// /people: users. MSP admins create, edit (name, role, companies, password),
// deactivate / reactivate and delete them; company admins see their
// companies' users read-only (no status column, no buttons).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { User } from '../api/types';
import { useUser } from '../auth/useSession';
import { can, roleLabel } from '../components/roles';
import { Dialog, Empty, Field, Notice, Time } from '../components/ui';
import { Confirm, PageHead, QueryView, useCompanies, useCompanyNames } from '../companies/kit';

const ROLES: { value: string; label: string }[] = [
  { value: 'msp_admin', label: 'MSP admin — every company' },
  { value: 'company_admin', label: 'Company admin — its companies’ settings' },
  { value: 'technician', label: 'Technician — works incidents' },
  { value: 'client', label: 'Client — read-only' },
];

interface Form {
  email: string;
  name: string;
  password: string;
  role: string;
  company_ids: string[];
}
const EMPTY: Form = { email: '', name: '', password: '', role: 'technician', company_ids: [] };

export default function UsersPage() {
  const me = useUser();
  const admin = can.administerMsp(me);
  const qc = useQueryClient();
  const names = useCompanyNames();
  const companies = useCompanies();
  const q = useQuery({
    queryKey: qk.users,
    queryFn: async ({ signal }) => (await api.all<User>('/api/users', {}, 5000, signal)).items,
  });
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [deactivating, setDeactivating] = useState<User | null>(null);

  const save = useMutation({
    mutationFn: async (f: Form) => {
      if (editing === 'new') return api.post<User>('/api/users', f);
      const u = editing as User;
      const body: Record<string, unknown> = { name: f.name, role: f.role, company_ids: f.company_ids };
      if (f.password) body.password = f.password;
      return api.put<User>(`/api/users/${u.id}`, body);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk.users });
      setEditing(null);
    },
  });
  const remove = useMutation({
    mutationFn: (u: User) => api.del(`/api/users/${u.id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk.users });
      setDeleting(null);
    },
  });

  // Deactivating asks first (it ends the user's sessions); reactivating does not.
  const setActive = useMutation({
    mutationFn: ({ u, active }: { u: User; active: boolean }) => api.put<User>(`/api/users/${u.id}`, { active }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk.users });
      setDeactivating(null);
    },
  });

  const open = (u: User | 'new') => {
    save.reset();
    setForm(u === 'new' ? EMPTY : { email: u.email, name: u.name, password: '', role: u.role === 'admin' ? 'msp_admin' : u.role, company_ids: u.company_ids ?? [] });
    setEditing(u);
  };
  const needsCompany = form.role !== 'msp_admin' && form.company_ids.length === 0;

  return (
    <div>
      <PageHead title="People" sub={admin ? 'Everyone who signs in, their role and companies.' : 'The users of your companies (only MSP admins change them).'}>
        {admin && (
          <button type="button" className="btn btn-primary" onClick={() => open('new')}>
            New user
          </button>
        )}
      </PageHead>
      {setActive.isError && deactivating === null && <Notice>{(setActive.error as Error).message}</Notice>}
      <QueryView q={q} loading="Loading users…">
        {(users) =>
          users.length === 0 ? (
            <Empty title="No users to show." />
          ) : (
            <div className="table-wrap">
              <table className="table k-rtable" data-testid="users-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Companies</th>
                    <th scope="col">Since</th>
                    {admin && <th scope="col">Status</th>}
                    {admin && (
                      <th scope="col">
                        <span className="sr-only">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {[...users].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email)).map((u) => (
                    <tr key={u.id}>
                      <td data-label="Name">{u.name}</td>
                      <td data-label="Email">{u.email}</td>
                      <td data-label="Role">{roleLabel(u)}</td>
                      <td data-label="Companies">
                        {u.role === 'msp_admin' || u.role === 'admin' ? <span className="muted">all</span> : (u.company_ids ?? []).map(names).join(', ') || '—'}
                      </td>
                      <td data-label="Since">
                        <Time iso={u.created_at} />
                      </td>
                      {admin && (
                        <td data-label="Status">
                          {u.active === false ? <span className="badge status">Deactivated</span> : <span className="badge status-resolved">Active</span>}
                        </td>
                      )}
                      {admin && (
                        <td data-label="">
                          <div className="row">
                            <button type="button" className="btn btn-sm" aria-label={`Edit ${u.email}`} onClick={() => open(u)}>
                              Edit
                            </button>
                            {u.id !== me.id &&
                              (u.active === false ? (
                                <button
                                  type="button"
                                  className="btn btn-sm"
                                  aria-label={`Reactivate ${u.email}`}
                                  disabled={setActive.isPending}
                                  onClick={() => setActive.mutate({ u, active: true })}
                                >
                                  Reactivate
                                </button>
                              ) : (
                                <button type="button" className="btn btn-sm" aria-label={`Deactivate ${u.email}`} onClick={() => (setActive.reset(), setDeactivating(u))}>
                                  Deactivate
                                </button>
                              ))}
                            {u.id !== me.id && (
                              <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete ${u.email}`} onClick={() => (remove.reset(), setDeleting(u))}>
                                Delete
                              </button>
                            )}
                          </div>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>

      <Dialog
        open={editing !== null}
        title={editing === 'new' ? 'New user' : `Edit ${(editing as User | null)?.email ?? ''}`}
        onClose={() => setEditing(null)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button type="submit" form="user-form" className="btn btn-primary" disabled={save.isPending || needsCompany}>
              {save.isPending ? 'Saving…' : editing === 'new' ? 'Create user' : 'Save'}
            </button>
          </>
        }
      >
        <form
          id="user-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!needsCompany) save.mutate(form);
          }}
        >
          {editing === 'new' && (
            <Field label="Email">
              <input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
            </Field>
          )}
          <Field label="Name">
            <input required value={form.name} maxLength={200} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label={editing === 'new' ? 'Password' : 'New password'} hint={editing === 'new' ? 'At least 8 characters.' : 'Leave empty to keep it. A new password signs the user out everywhere.'}>
            <input type="password" autoComplete="new-password" required={editing === 'new'} minLength={8} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </Field>
          <Field label="Role">
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </Field>
          {form.role !== 'msp_admin' && (
            <fieldset>
              <legend>Companies</legend>
              {(companies.data ?? []).map((c) => (
                <label key={c.id} className="k-check">
                  <input
                    type="checkbox"
                    checked={form.company_ids.includes(c.id)}
                    onChange={(e) =>
                      setForm({ ...form, company_ids: e.target.checked ? [...form.company_ids, c.id] : form.company_ids.filter((x) => x !== c.id) })
                    }
                  />
                  {c.name}
                </label>
              ))}
              {needsCompany && <p className="field-hint">Choose at least one company.</p>}
            </fieldset>
          )}
          {save.isError && <Notice>{(save.error as Error).message}</Notice>}
        </form>
      </Dialog>

      <Confirm
        open={deactivating !== null}
        title={`Deactivate ${deactivating?.email ?? ''}?`}
        confirmLabel="Deactivate user"
        danger
        busy={setActive.isPending}
        error={setActive.error}
        onConfirm={() => deactivating && setActive.mutate({ u: deactivating, active: false })}
        onClose={() => setDeactivating(null)}
      >
        <p>Their open sessions end at once and they cannot sign in until you reactivate them. Nothing is deleted.</p>
      </Confirm>

      <Confirm
        open={deleting !== null}
        title={`Delete ${deleting?.email ?? ''}?`}
        confirmLabel="Delete user"
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        <p>The user can no longer sign in; their open sessions end. Their past actions stay in the audit log.</p>
      </Confirm>
    </div>
  );
}
