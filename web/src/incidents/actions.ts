// Incident mutations shared by the queue and the detail page. Each success
// writes the answer into the cache the same way a live event would, so the
// screen changes at once (the WebSocket event that follows is a no-op).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { ApiError } from '../api/errors';
import { qk } from '../api/keys';
import type { Incident } from '../api/types';
import { applyEvent } from '../live/LiveProvider';

export type IncidentAction =
  | { kind: 'acknowledge' }
  | { kind: 'update'; patch: { status?: string; assigned_to?: string; resolution_notes?: string }; version?: number }
  | { kind: 'escalate'; reason?: string };

export function runAction(id: string, a: IncidentAction): Promise<Incident> {
  switch (a.kind) {
    case 'acknowledge':
      return api.post<Incident>(`/api/incidents/${id}/acknowledge`, {});
    case 'escalate':
      return api.post<Incident>(`/api/incidents/${id}/escalate`, a.reason ? { reason: a.reason } : {});
    case 'update':
      return api.put<Incident>(`/api/incidents/${id}`, a.version !== undefined ? { ...a.patch, version: a.version } : a.patch);
  }
}

export function useIncidentAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: IncidentAction) => runAction(id, a),
    onSuccess: (inc) => {
      applyEvent(qc, { type: 'incident_updated', data: inc });
      void qc.invalidateQueries({ queryKey: qk.incidentAudit(id) });
    },
    onError: (e) => {
      // A stale edit: load the fresh version so the next try can succeed.
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: qk.incident(id) });
    },
  });
}
