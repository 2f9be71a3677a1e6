// The WebSocket client of /ws (docs/api.md, "Live updates").
// - Authenticates with its first message (the token never goes into a URL).
// - Reconnects with exponential backoff (1 s … 30 s, with jitter) and asks for
//   a replay from the last event id it saw; `connected.replay_complete: false`
//   tells the app to reload its lists over HTTP.
// - Re-sends `auth` on an open connection whenever the access token changes.
// - A 1008 close for an expired/revoked token refreshes the session first.

import type { LiveEvent } from './types';

export type LiveStatus = 'connecting' | 'open' | 'closed';

export interface LiveSocketOptions {
  getToken: () => string | null;
  /** Called when the server closed for an auth reason; resolves false when the session is over. */
  refreshToken: () => Promise<boolean>;
  onEvent: (e: LiveEvent) => void;
  onStatus: (s: LiveStatus) => void;
  /** The server could not replay everything since the last event id. */
  onResync: () => void;
  url?: string;
}

/** Backoff delay in ms for the n-th consecutive failed attempt (n ≥ 1). Pure; unit tested. */
export function backoffMs(attempt: number, random: number = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + 0.5 * random));
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ping: ReturnType<typeof setInterval> | null = null;
  private stopped = true;
  lastEventId: number | null = null;
  status: LiveStatus = 'closed';

  constructor(private readonly opts: LiveSocketOptions) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.ping) clearInterval(this.ping);
    this.timer = null;
    this.ping = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'signed out');
    this.setStatus('closed');
  }

  /** Re-authenticates an open connection with a new access token. */
  reauth(token: string) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'auth', token }));
  }

  private setStatus(s: LiveStatus) {
    if (this.status === s) return;
    this.status = s;
    this.opts.onStatus(s);
  }

  private url(): string {
    if (this.opts.url) return this.opts.url;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/ws`;
  }

  private open() {
    const token = this.opts.getToken();
    if (!token) {
      this.scheduleReconnect();
      return;
    }
    this.setStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const auth: Record<string, unknown> = { type: 'auth', token: this.opts.getToken() ?? token };
      if (this.lastEventId !== null) auth.last_event_id = this.lastEventId;
      ws.send(JSON.stringify(auth));
    };
    ws.onmessage = (m) => {
      if (typeof m.data !== 'string') return;
      let msg: LiveEvent;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      if (msg.type === 'connected') {
        this.attempts = 0;
        this.setStatus('open');
        const d = (msg.data ?? {}) as { replay_complete?: boolean; last_event_id?: number };
        // A first connection has nothing to replay; after a gap, a missing
        // replay means the lists must be reloaded (and ids may have restarted).
        if (this.lastEventId !== null && d.replay_complete === false) {
          if (typeof d.last_event_id === 'number') this.lastEventId = d.last_event_id;
          this.opts.onResync();
        }
        if (this.ping) clearInterval(this.ping);
        this.ping = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
        }, 25_000);
        return;
      }
      if (msg.type === 'pong') return;
      if (typeof msg.id === 'number') this.lastEventId = msg.id;
      this.opts.onEvent(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.ping) clearInterval(this.ping);
      this.ping = null;
      if (this.stopped) return;
      this.setStatus('closed');
      if (ev.code === 1008) {
        // Expired/revoked token or changed access: refresh, then reconnect.
        void this.opts.refreshToken().then((ok) => {
          if (ok && !this.stopped) this.scheduleReconnect(true);
        });
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleReconnect(soon = false) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.attempts += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, soon ? 200 : backoffMs(this.attempts));
  }
}
