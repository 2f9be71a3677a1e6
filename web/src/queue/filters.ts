// The queue's filters, kept in the URL (?company=&status=&severity=&assigned=me|unassigned&q=).
// Pure; unit tested.
import type { Incident } from '../api/types';

export interface QueueFilters {
  company: string;
  status: string;
  severity: string;
  assigned: '' | 'me' | 'unassigned';
  q: string;
}

export function readFilters(sp: URLSearchParams): QueueFilters {
  const a = sp.get('assigned');
  return {
    company: sp.get('company') ?? '',
    status: sp.get('status') ?? '',
    severity: sp.get('severity') ?? '',
    assigned: a === 'me' || a === 'unassigned' ? a : '',
    q: sp.get('q') ?? '',
  };
}

export function writeFilters(f: QueueFilters): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) sp.set(k, v);
  return sp;
}

/** Does the incident pass the filters? `companyName` helps the text search. */
export function matches(inc: Incident, f: QueueFilters, me: string, companyName = ''): boolean {
  if (f.company && inc.company_id !== f.company) return false;
  if (f.status && inc.status !== f.status) return false;
  if (f.severity && inc.severity !== f.severity) return false;
  if (f.assigned === 'me' && inc.assigned_to !== me) return false;
  if (f.assigned === 'unassigned' && inc.assigned_to) return false;
  if (f.q) {
    const needle = f.q.trim().toLowerCase();
    if (needle) {
      const hay = [inc.title, inc.asset_name, inc.signature, companyName, ...(inc.tool_sources ?? []), inc.id]
        .filter(Boolean)
        .join(' ')
        .toLowerCase();
      if (!needle.split(/\s+/).every((w) => hay.includes(w))) return false;
    }
  }
  return true;
}
