import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Alert } from '../api/types';
import { formatDateTime } from '../components/format';
import { ErrorState, LoadMore, SeverityBadge, Spinner } from '../components/ui';

/** The incident's alerts, newest first, 50 per page. */
export function AlertsPanel({ incidentId }: { incidentId: string }) {
  const q = useInfiniteQuery({
    queryKey: qk.incidentAlerts(incidentId),
    queryFn: ({ pageParam }) => api.page<Alert>(`/api/incidents/${incidentId}/alerts`, { limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {q.isPending ? (
        <Spinner />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="incident-alerts">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Severity</th>
                <th scope="col">Message</th>
                <th scope="col" className="hide-narrow">
                  Tool
                </th>
                <th scope="col" className="hide-narrow">
                  Repeats
                </th>
                <th scope="col" className="hide-narrow">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td className="nowrap">{formatDateTime(a.timestamp ?? a.received_at)}</td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>
                    {a.message}
                    <div className="muted mono small">
                      {a.asset_name} · {a.signature}
                    </div>
                  </td>
                  <td className="hide-narrow">{a.tool_source}</td>
                  <td className="hide-narrow num">{Math.max(0, (a.repeat_count ?? a.delivery_attempts ?? 1) - 1) || ''}</td>
                  <td className="hide-narrow">{a.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={Boolean(q.hasNextPage)} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
    </section>
  );
}
