import { useState } from 'react';
import { useUsers } from '../api/hooks';
import type { Incident } from '../api/types';
import { isOpenStatus, statusLabel, TRANSITIONS } from '../components/format';
import { roleOf } from '../components/roles';
import { useShortcuts } from '../components/shortcuts';
import { Dialog, Field, Notice, errorMessage } from '../components/ui';
import { useIncidentAction } from './actions';

/** The actions on one incident (never rendered for clients). */
export function ActionBar({
  incident: i,
  me,
  dialog,
  setDialog,
}: {
  incident: Incident;
  me: string;
  dialog: 'resolve' | 'escalate' | null;
  setDialog: (d: 'resolve' | 'escalate' | null) => void;
  onReload: () => void;
}) {
  const action = useIncidentAction(i.id);
  const users = useUsers();
  const [status, setStatus] = useState('');
  const [assignee, setAssignee] = useState<string | null>(null);
  const [notes, setNotes] = useState('');
  const [reason, setReason] = useState('');
  const open = isOpenStatus(i.status);
  const next = (TRANSITIONS[i.status] ?? []).filter((s) => s !== 'escalated');
  const workers = (users.data ?? []).filter(
    (u) => roleOf(u) !== 'client' && (roleOf(u) === 'msp_admin' || u.company_ids.includes(i.company_id)),
  );
  const currentAssignee = i.assigned_to ?? '';

  useShortcuts({
    a: () => i.status === 'new' && action.mutate({ kind: 'acknowledge' }),
    r: () => open && setDialog('resolve'),
    e: () => open && setDialog('escalate'),
  });

  function applyStatus() {
    if (!status) return;
    if (status === 'resolved') {
      setDialog('resolve');
      return;
    }
    action.mutate({ kind: 'update', patch: { status }, version: i.version }, { onSuccess: () => setStatus('') });
  }

  return (
    <section className="card action-bar" aria-label="Actions">
      <div className="row">
        {i.status === 'new' && (
          <button type="button" className="btn btn-primary" disabled={action.isPending} onClick={() => action.mutate({ kind: 'acknowledge' })}>
            Acknowledge
          </button>
        )}
        {open && i.status !== 'new' && (
          <button type="button" className="btn btn-primary" disabled={action.isPending} onClick={() => setDialog('resolve')}>
            Resolve…
          </button>
        )}
        {next.length > 0 && (
          <span className="row">
            <select aria-label="New status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Change status…</option>
              {next.map((s) => (
                <option key={s} value={s}>
                  {s === 'in_progress' && i.status === 'resolved' ? 'Reopen (in progress)' : statusLabel(s)}
                </option>
              ))}
            </select>
            <button type="button" className="btn" disabled={!status || action.isPending} onClick={applyStatus}>
              Apply
            </button>
          </span>
        )}
        {open && (
          <span className="row">
            <select
              aria-label="Assignee"
              value={assignee ?? currentAssignee}
              onChange={(e) => setAssignee(e.target.value)}
              disabled={users.isPending}
            >
              <option value="">Unassigned</option>
              {workers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.id === me ? `Me (${u.name || u.email})` : u.name || u.email}
                </option>
              ))}
              {currentAssignee && !workers.some((u) => u.id === currentAssignee) && <option value={currentAssignee}>Current assignee</option>}
            </select>
            <button
              type="button"
              className="btn"
              disabled={assignee === null || assignee === currentAssignee || action.isPending}
              onClick={() =>
                action.mutate(
                  { kind: 'update', patch: { assigned_to: assignee ?? '' }, version: i.version },
                  { onSuccess: () => setAssignee(null) },
                )
              }
            >
              Assign
            </button>
          </span>
        )}
        {open && (
          <button type="button" className="btn btn-danger" disabled={action.isPending} onClick={() => setDialog('escalate')}>
            Escalate…
          </button>
        )}
      </div>
      {action.isError && <Notice>{errorMessage(action.error)}</Notice>}
      {action.isSuccess && !action.isPending && <Notice kind="success">Saved.</Notice>}

      <Dialog
        open={dialog === 'resolve'}
        title="Resolve the incident"
        onClose={() => setDialog(null)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={action.isPending}
              onClick={() =>
                action.mutate(
                  { kind: 'update', patch: { status: 'resolved', ...(notes.trim() ? { resolution_notes: notes.trim() } : {}) }, version: i.version },
                  {
                    onSettled: () => setDialog(null),
                    onSuccess: () => {
                      setNotes('');
                      setStatus('');
                    },
                  },
                )
              }
            >
              Resolve
            </button>
          </>
        }
      >
        <Field label="Resolution notes" hint="What was wrong and what fixed it (optional).">
          <textarea value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={4000} />
        </Field>
      </Dialog>
      <Dialog
        open={dialog === 'escalate'}
        title="Escalate the incident"
        onClose={() => setDialog(null)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={action.isPending}
              onClick={() =>
                action.mutate(
                  { kind: 'escalate', reason: reason.trim() || undefined },
                  { onSettled: () => setDialog(null), onSuccess: () => setReason('') },
                )
              }
            >
              Escalate
            </button>
          </>
        }
      >
        <Field label="Reason" hint="Sent to the next level of the company's escalation policy.">
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
        </Field>
      </Dialog>
    </section>
  );
}
