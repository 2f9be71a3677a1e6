// /companies: the companies the user sees; MSP admins create them, admins rename them.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Company } from '../api/types';
import { useUser } from '../auth/useSession';
import { can } from '../components/roles';
import { Dialog, Empty, Field, Notice, Time } from '../components/ui';
import { isAdminOf, PageHead, QueryView, useCompanies } from './kit';

export default function CompaniesPage() {
  const user = useUser();
  const q = useCompanies();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState('');
  const [renaming, setRenaming] = useState<Company | null>(null);
  const [rename, setRename] = useState('');

  const create = useMutation({
    mutationFn: (name: string) => api.post<Company>('/api/companies', { name }),
    onSuccess: (c) => {
      qc.setQueryData<Company[]>(qk.companies, (old) => [...(old ?? []), c]);
      void qc.invalidateQueries({ queryKey: qk.companies });
      setCreating(false);
      setNewName('');
      navigate(`/companies/${c.id}/webhook`);
    },
  });
  const doRename = useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.put<Company>(`/api/companies/${id}`, { name }),
    onSuccess: (c) => {
      qc.setQueryData<Company[]>(qk.companies, (old) => old?.map((x) => (x.id === c.id ? { ...x, ...c } : x)));
      void qc.invalidateQueries({ queryKey: qk.companies });
      setRenaming(null);
    },
  });

  return (
    <div>
      <PageHead title="Companies" sub="Each company is one client of the MSP: its own API key, alerts, incidents and settings.">
        {can.administerMsp(user) && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New company
          </button>
        )}
      </PageHead>
      <QueryView q={q} loading="Loading companies…">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No companies yet.">{can.administerMsp(user) ? 'Create the first one with “New company”.' : 'You are not a member of any company.'}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table k-rtable">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Id</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...list].sort((a, b) => a.name.localeCompare(b.name)).map((c) => (
                    <tr key={c.id}>
                      <td data-label="Name">
                        <Link to={`/companies/${c.id}`}>{c.name}</Link>
                      </td>
                      <td data-label="Id" className="mono">
                        {c.id}
                      </td>
                      <td data-label="Created">
                        <Time iso={c.created_at} />
                      </td>
                      <td data-label="">
                        <div className="row">
                          <Link className="btn btn-sm" to={`/companies/${c.id}`}>
                            Settings
                          </Link>
                          {isAdminOf(user, c.id) && (
                            <button
                              type="button"
                              className="btn btn-sm"
                              aria-label={`Rename ${c.name}`}
                              onClick={() => {
                                doRename.reset();
                                setRename(c.name);
                                setRenaming(c);
                              }}
                            >
                              Rename
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>

      <Dialog
        open={creating}
        title="New company"
        onClose={() => setCreating(false)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setCreating(false)}>
              Cancel
            </button>
            <button type="submit" form="new-company" className="btn btn-primary" disabled={create.isPending || !newName.trim()}>
              {create.isPending ? 'Creating…' : 'Create company'}
            </button>
          </>
        }
      >
        <form
          id="new-company"
          onSubmit={(e) => {
            e.preventDefault();
            if (newName.trim()) create.mutate(newName.trim());
          }}
        >
          <Field label="Name" hint="Up to 200 characters. It gets its own API key at once.">
            <input value={newName} maxLength={200} onChange={(e) => setNewName(e.target.value)} autoFocus required />
          </Field>
          {create.isError && <Notice>{(create.error as Error).message}</Notice>}
        </form>
      </Dialog>

      <Dialog
        open={renaming !== null}
        title={`Rename ${renaming?.name ?? ''}`}
        onClose={() => setRenaming(null)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setRenaming(null)}>
              Cancel
            </button>
            <button type="submit" form="rename-company" className="btn btn-primary" disabled={doRename.isPending || !rename.trim()}>
              {doRename.isPending ? 'Saving…' : 'Save name'}
            </button>
          </>
        }
      >
        <form
          id="rename-company"
          onSubmit={(e) => {
            e.preventDefault();
            if (renaming && rename.trim()) doRename.mutate({ id: renaming.id, name: rename.trim() });
          }}
        >
          <Field label="New name">
            <input value={rename} maxLength={200} onChange={(e) => setRename(e.target.value)} required />
          </Field>
          {doRename.isError && <Notice>{(doRename.error as Error).message}</Notice>}
        </form>
      </Dialog>
    </div>
  );
}
