// A company's assets: listed for every user of it; admins add and mark critical.
// Senders register unknown assets themselves with their first alert.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { Empty, Notice } from '../components/ui';
import { QueryView } from './kit';

interface Asset {
  id: string;
  name: string;
  type?: string;
  os?: string;
  is_critical?: boolean;
  tags?: string[];
  created_at?: string;
}

export function AssetsTab({ companyId, admin }: { companyId: string; admin: boolean }) {
  const qc = useQueryClient();
  const key = ['companies', companyId, 'assets'];
  const q = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => (await api.all<Asset>(`/api/companies/${companyId}/assets`, {}, 5000, signal)).items,
  });
  const [form, setForm] = useState({ name: '', type: 'server', os: '', critical: false });
  const add = useMutation({
    mutationFn: () => api.post<Asset>(`/api/companies/${companyId}/assets`, {
      name: form.name.trim(), type: form.type.trim() || undefined, os: form.os.trim() || undefined, is_critical: form.critical,
    }),
    onSuccess: (a) => {
      qc.setQueryData<Asset[]>(key, (old) => [...(old ?? []), a]);
      setForm({ name: '', type: 'server', os: '', critical: false });
    },
  });
  const mark = useMutation({
    mutationFn: (a: Asset) => api.put<Asset>(`/api/companies/${companyId}/assets/${encodeURIComponent(a.id ?? a.name)}`, { is_critical: !a.is_critical }),
    onSuccess: (a) => qc.setQueryData<Asset[]>(key, (old) => old?.map((x) => ((x.id ?? x.name) === (a.id ?? a.name) ? a : x))),
  });

  return (
    <div className="stack">
      <section className="card" aria-label="Assets">
        <h2>Assets</h2>
        <p className="muted">Alerts on a critical asset get a higher priority. An asset a sender names for the first time is added by itself.</p>
        {mark.isError && <Notice>{(mark.error as Error).message}</Notice>}
        <QueryView q={q} loading="Loading assets…">
          {(list) =>
            list.length === 0 ? (
              <Empty title="No assets yet.">They appear with the first alert naming them{admin ? ', or add one below' : ''}.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table k-rtable">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Type</th>
                      <th scope="col">OS</th>
                      <th scope="col">Critical</th>
                      <th scope="col">Tags</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...list].sort((a, b) => a.name.localeCompare(b.name)).map((a) => (
                      <tr key={a.id ?? a.name}>
                        <td data-label="Name" className="mono">{a.name}</td>
                        <td data-label="Type">{a.type || '—'}</td>
                        <td data-label="OS">{a.os || '—'}</td>
                        <td data-label="Critical">
                          {admin ? (
                            <label className="k-check">
                              <input type="checkbox" checked={Boolean(a.is_critical)} disabled={mark.isPending} onChange={() => mark.mutate(a)} />
                              <span>{a.is_critical ? 'Critical' : 'No'}</span>
                              <span className="sr-only"> — mark {a.name} {a.is_critical ? 'not critical' : 'critical'}</span>
                            </label>
                          ) : a.is_critical ? (
                            <strong>Critical</strong>
                          ) : (
                            'No'
                          )}
                        </td>
                        <td data-label="Tags">{(a.tags ?? []).join(', ') || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </section>
      {admin && (
        <section className="card k-form" aria-label="Add an asset">
          <h2>Add an asset</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (form.name.trim()) add.mutate();
            }}
          >
            <div className="k-form-grid">
              <label className="field">
                <span className="field-label">Name</span>
                <input value={form.name} maxLength={256} required onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="as senders write it" />
              </label>
              <label className="field">
                <span className="field-label">Type</span>
                <input value={form.type} maxLength={64} onChange={(e) => setForm({ ...form, type: e.target.value })} />
              </label>
              <label className="field">
                <span className="field-label">Operating system</span>
                <input value={form.os} maxLength={128} onChange={(e) => setForm({ ...form, os: e.target.value })} />
              </label>
            </div>
            <label className="k-check">
              <input type="checkbox" checked={form.critical} onChange={(e) => setForm({ ...form, critical: e.target.checked })} />
              Critical asset
            </label>
            <div>
              <button type="submit" className="btn btn-primary" disabled={add.isPending || !form.name.trim()}>
                {add.isPending ? 'Adding…' : 'Add asset'}
              </button>
            </div>
            {add.isError && <Notice>{(add.error as Error).message}</Notice>}
          </form>
        </section>
      )}
    </div>
  );
}
