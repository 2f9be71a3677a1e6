import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { AuditEntry, Incident } from '../api/types';
import { useUser } from '../auth/useSession';
import { formatDateTime } from '../components/format';
import { can } from '../components/roles';
import { ErrorState, Spinner } from '../components/ui';
import { buildTimeline } from './timelineModel';

/** How far back the company's audit log is searched for this incident's entries. */
const AUDIT_SCAN = 2000;

export function Timeline({ incident }: { incident: Incident }) {
  const user = useUser();
  const mayAudit = can.seeAudit(user);
  // The audit log has no per-incident filter: read the company's newest
  // entries since the incident was opened and keep this incident's.
  const audit = useQuery({
    queryKey: qk.incidentAudit(incident.id),
    enabled: mayAudit,
    queryFn: async () => {
      const out: AuditEntry[] = [];
      let cursor: string | null = null;
      do {
        const p: { items: AuditEntry[]; next: string | null } = await api.page<AuditEntry>('/api/audit-logs', {
          company_id: incident.company_id,
          limit: 500,
          cursor,
        });
        out.push(...p.items);
        cursor = p.next;
        const oldest = p.items[p.items.length - 1]?.at;
        if (oldest && oldest < incident.created_at) break;
      } while (cursor && out.length < AUDIT_SCAN);
      return out;
    },
  });
  const items = buildTimeline(incident, mayAudit ? audit.data ?? [] : null);
  return (
    <section className="card" aria-labelledby="tl-title">
      <h2 id="tl-title">Timeline</h2>
      {mayAudit && audit.isPending && <Spinner label="Loading the audit log…" />}
      {mayAudit && audit.isError && <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />}
      <ol className="timeline" data-testid="timeline">
        {items.map((t, n) => (
          <li key={n} className={`tl-${t.source}`}>
            <time dateTime={t.at}>{formatDateTime(t.at)}</time>
            <div>
              <strong>{t.what}</strong>
              {t.who && <span className="muted"> by {t.who}</span>}
              {t.outcome && <span className="badge status-new"> {t.outcome}</span>}
            </div>
          </li>
        ))}
      </ol>
      {!mayAudit && <p className="muted small">Who did what is in the audit log, which company admins can read.</p>}
    </section>
  );
}
