// Alerts vs incidents per time bucket: a hand-made SVG (two lines on a shared
// count axis), with the same figures as a table for screen readers.
import type { Bucket } from './chart';
import { linear, linePath, niceScale } from './chart';


const W = 760;
const H = 240;
const M = { top: 12, right: 12, bottom: 28, left: 44 };

function label(ms: number, step: number): string {
  const opts: Intl.DateTimeFormatOptions = step >= 86400e3 ? { day: 'numeric', month: 'short' } : step >= 6 * 3600e3 ? { weekday: 'short', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, opts).format(ms);
}

export function TrendChart({ alerts, incidents, step }: { alerts: Bucket[]; incidents: Bucket[]; step: number }) {
  if (alerts.length === 0) return null;
  const total = alerts.reduce((n, b) => n + b.count, 0) + incidents.reduce((n, b) => n + b.count, 0);
  const scale = niceScale(Math.max(...alerts.map((b) => b.count), ...incidents.map((b) => b.count)));
  // Alerts are bars (one per bucket), incidents a line through the bar centres.
  const slot = (W - M.left - M.right) / alerts.length;
  const x = (i: number) => M.left + slot * (i + 0.5);
  const y = linear(0, scale.max, H - M.bottom, M.top);
  const pts = (bs: Bucket[]) => bs.map((b, i) => [x(i), y(b.count)] as [number, number]);
  const every = Math.max(1, Math.ceil(alerts.length / 7));
  return (
    <figure className="nb-chart">
      <div className="nb-legend" aria-hidden="true">
        <span className="nb-key nb-key-alerts" /> Alerts <span className="nb-key nb-key-incidents" /> Incidents
      </div>
      {total === 0 && <p className="muted">No alerts or incidents in this period.</p>}
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Alerts and incidents over time; the table below has the figures" data-testid="trend-chart">
        {scale.ticks.map((t) => (
          <g key={t}>
            <line className="nb-grid" x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text className="nb-tick" x={M.left - 6} y={y(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {alerts.map((b, i) =>
          i % every === 0 ? (
            <text key={b.start} className="nb-tick" x={x(i)} y={H - 8} textAnchor="middle">
              {label(b.start, step)}
            </text>
          ) : null,
        )}
        {alerts.map((b, i) => (
          <rect key={`a${i}`} className="nb-bar-alerts" x={x(i) - slot * 0.35} width={slot * 0.7} y={y(b.count)} height={Math.max(0, y(0) - y(b.count))}>
            <title>{`${label(b.start, step)}: ${b.count} alerts, ${incidents[i]?.count ?? 0} incidents`}</title>
          </rect>
        ))}
        <path className="nb-line nb-line-incidents" d={linePath(pts(incidents))} />
        {incidents.map((b, i) => (
          <circle key={`i${i}`} className="nb-dot-incidents" cx={x(i)} cy={y(b.count)} r={3} />
        ))}
      </svg>
      <details>
        <summary>Show the figures</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Alerts</th>
              <th scope="col">Incidents</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((b, i) => (
              <tr key={b.start}>
                <td>{new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(b.start)}</td>
                <td>{b.count}</td>
                <td>{incidents[i]?.count ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
