// The notifications bell: the live unread count (GET unread-count, then bumped
// by `notification` events) and the newest notifications in a popover.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Notification } from '../api/types';
import { ErrorState, Spinner, Time, useNow } from '../components/ui';

export function Bell() {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const count = useQuery({
    queryKey: qk.unreadCount,
    queryFn: () => api.get<{ unread_count: number }>('/api/notifications/unread-count'),
    refetchInterval: 120_000,
  });
  const n = count.data?.unread_count ?? 0;
  return (
    <div className="bell">
      <button
        type="button"
        className="btn btn-ghost"
        aria-label={`Notifications, ${n} unread`}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="bell"
      >
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {n > 0 && (
          <span className="bell-count" data-testid="bell-count" aria-hidden="true">
            {n > 99 ? '99+' : n}
          </span>
        )}
      </button>
      {open && <BellPopover onClose={() => setOpen(false)} onChanged={() => void qc.invalidateQueries({ queryKey: qk.unreadCount })} />}
    </div>
  );
}

function BellPopover({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const now = useNow(30_000);
  const list = useQuery({
    queryKey: qk.notifications,
    queryFn: () => api.page<Notification>('/api/notifications', { limit: 20 }),
  });
  const markAll = useMutation({
    mutationFn: () => api.put('/api/notifications/mark-all-read'),
    onSuccess: () => {
      onChanged();
      void list.refetch();
    },
  });
  return (
    <div className="popover" role="dialog" aria-label="Notifications" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="popover-head">
        <strong>Notifications</strong>
        <div className="row">
          <button type="button" className="btn btn-sm" onClick={() => markAll.mutate()} disabled={markAll.isPending}>
            Mark all read
          </button>
          <button type="button" className="btn btn-sm btn-ghost" aria-label="Close notifications" onClick={onClose}>
            ×
          </button>
        </div>
      </div>
      {list.isPending ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="state">No notifications.</div>
      ) : (
        <ul>
          {list.data.items.map((x) => (
            <li key={x.id} className={x.read ? '' : 'unread'}>
              <div>
                <strong>{x.title}</strong>
              </div>
              <div>{x.message}</div>
              <div className="muted row">
                <Time iso={x.created_at} now={now} />
                {x.incident_id && (
                  <Link to={`/incidents/${x.incident_id}`} onClick={onClose}>
                    Open incident
                  </Link>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
