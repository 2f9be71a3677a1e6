// Connects the WebSocket while signed in and applies every event to the
// TanStack Query cache (reducers.ts). Feature views that want raw events
// (alert live tail, chat) use `useLiveEvents(handler)`; everything can read
// the connection status with `useLiveStatus()`.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { qk } from '../api/keys';
import { getAccessToken, onAccessToken, refresh } from '../api/session';
import type { Incident, LiveEvent } from '../api/types';
import { LiveSocket, type LiveStatus } from '../api/ws';
import { reduceIncident, reduceOpenIncidents, reduceUnreadCount } from './reducers';

type Handler = (e: LiveEvent) => void;
interface LiveCtx {
  status: LiveStatus;
  subscribe: (h: Handler) => () => void;
}
const Ctx = createContext<LiveCtx>({ status: 'closed', subscribe: () => () => undefined });

export function applyEvent(qc: QueryClient, ev: LiveEvent) {
  qc.setQueryData<Incident[]>(qk.openIncidents, (old) => reduceOpenIncidents(old, ev));
  const data = ev.data as { id?: string; correlated_incident_id?: string } | null;
  const incId = ev.type === 'alert_received' ? data?.correlated_incident_id : ev.type.startsWith('incident_') ? data?.id : undefined;
  if (incId) {
    qc.setQueryData<Incident>(qk.incident(incId), (old) => reduceIncident(old, ev));
    if (ev.type !== 'alert_received') {
      void qc.invalidateQueries({ queryKey: qk.incidentAudit(incId) });
      void qc.invalidateQueries({ queryKey: qk.incidentSla(incId) });
    } else {
      void qc.invalidateQueries({ queryKey: qk.incidentAlerts(incId) });
    }
  }
  if (ev.type === 'notification') {
    qc.setQueryData<{ unread_count: number }>(qk.unreadCount, (old) =>
      old ? { ...old, unread_count: reduceUnreadCount(old.unread_count, ev) ?? 0 } : old,
    );
    void qc.invalidateQueries({ queryKey: qk.notifications });
  }
}

export function LiveProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('closed');
  const handlers = useRef(new Set<Handler>());
  const ctx = useRef<LiveCtx>({
    status: 'closed',
    subscribe: (h) => {
      handlers.current.add(h);
      return () => handlers.current.delete(h);
    },
  });

  useEffect(() => {
    if (!enabled) return;
    const sock = new LiveSocket({
      getToken: getAccessToken,
      refreshToken: () => refresh(),
      onEvent: (ev) => {
        applyEvent(qc, ev);
        handlers.current.forEach((h) => h(ev));
      },
      onStatus: setStatus,
      onResync: () => void qc.invalidateQueries(),
    });
    sock.start();
    const off = onAccessToken((t) => {
      if (t) sock.reauth(t);
    });
    // Expose for tests and debugging (no secrets: just the status).
    (window as unknown as { __awLive?: LiveSocket }).__awLive = sock;
    return () => {
      off();
      sock.stop();
    };
  }, [enabled, qc]);

  return <Ctx.Provider value={{ status, subscribe: ctx.current.subscribe }}>{children}</Ctx.Provider>;
}

export function useLiveStatus(): LiveStatus {
  return useContext(Ctx).status;
}

/** Calls `handler` with every live event while the component is mounted. */
export function useLiveEvents(handler: Handler) {
  const { subscribe } = useContext(Ctx);
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe]);
}

/** The banner shown while live updates are down (after the first connection attempt). */
export function LiveBanner() {
  const status = useLiveStatus();
  const [everOpen, setEverOpen] = useState(false);
  const [shownAfterDelay, setShown] = useState(false);
  useEffect(() => {
    if (status === 'open') {
      setEverOpen(true);
      setShown(false);
      return;
    }
    // Do not flash the banner during a quick reconnect.
    const t = setTimeout(() => setShown(true), everOpen ? 1500 : 4000);
    return () => clearTimeout(t);
  }, [status, everOpen]);
  if (status === 'open' || !shownAfterDelay) return null;
  return (
    <div className="banner" role="status" data-testid="live-banner">
      Live updates are disconnected — reconnecting… Lists may be out of date until then.
    </div>
  );
}
