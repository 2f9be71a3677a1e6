// Audit-log filters kept in the URL: company and action go to the API (exact
// action), user / outcome / text are matched on the loaded entries. Pure.

export interface AuditFilters {
  company: string;
  action: string;
  user: string;
  outcome: string;
  text: string;
}

interface Entry {
  user_email?: string;
  user_id?: string;
  outcome?: string;
  action?: string;
  resource_type?: string;
  resource_id?: string;
  ip?: string;
  request_id?: string;
  details?: unknown;
}

const OUTCOMES = new Set(['success', 'failure', 'denied']);

export function parseAuditFilters(q: URLSearchParams): AuditFilters {
  const outcome = q.get('outcome') ?? '';
  return {
    company: q.get('company') ?? '',
    action: (q.get('action') ?? '').trim(),
    user: q.get('user') ?? '',
    outcome: OUTCOMES.has(outcome) ? outcome : '',
    text: q.get('text') ?? '',
  };
}

export function auditMatches(e: Entry, f: AuditFilters): boolean {
  if (f.outcome && e.outcome !== f.outcome) return false;
  const user = f.user.trim().toLowerCase();
  if (user && !(`${e.user_email ?? ''} ${e.user_id ?? ''}`.toLowerCase().includes(user))) return false;
  const text = f.text.trim().toLowerCase();
  if (text) {
    const hay = [e.action, e.resource_type, e.resource_id, e.ip, e.request_id, e.details ? JSON.stringify(e.details) : '']
      .join(' ')
      .toLowerCase();
    if (!hay.includes(text)) return false;
  }
  return true;
}
