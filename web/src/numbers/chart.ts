// Time buckets and scales for the hand-made SVG chart (no chart library). Pure.

export interface Bucket {
  start: number; // ms since epoch, inclusive
  end: number; // exclusive
  count: number;
}

/**
 * Counts the time stamps (ISO-8601 or ms) falling in [from, to) per bucket of
 * `stepMs`; the last bucket may be shorter. Stamps outside or unparsable are skipped.
 */
export function bucketize(stamps: Array<string | number>, from: number, to: number, stepMs: number): Bucket[] {
  if (!(stepMs > 0) || !(to > from)) return [];
  const n = Math.ceil((to - from) / stepMs);
  const out: Bucket[] = [];
  for (let i = 0; i < n; i++) out.push({ start: from + i * stepMs, end: Math.min(to, from + (i + 1) * stepMs), count: 0 });
  for (const s of stamps) {
    const t = typeof s === 'number' ? s : Date.parse(s);
    if (!Number.isFinite(t) || t < from || t >= to) continue;
    out[Math.floor((t - from) / stepMs)].count++;
  }
  return out;
}

/** A round upper bound ≥ max and 3–6 evenly spaced ticks from 0 to it (integers: these are counts). */
export function niceScale(max: number): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 1] };
  const rough = max / 4;
  const pow = Math.pow(10, Math.floor(Math.log10(rough)));
  let step = pow;
  for (const m of [1, 2, 5, 10]) {
    step = m * pow;
    if (step >= rough) break;
  }
  step = Math.max(1, Math.round(step));
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  return { max: top, ticks };
}

/** Linear map of [d0, d1] onto [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v: number) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** The SVG path "M x y L x y …" through the points (rounded to 0.1 px). */
export function linePath(points: Array<[number, number]>): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${r(x)} ${r(y)}`).join(' ');
}

export type RangeKey = '24h' | '7d' | '30d';
export const RANGES: Record<RangeKey, { label: string; ms: number; step: number }> = {
  '24h': { label: 'Last 24 hours', ms: 24 * 3600e3, step: 3600e3 },
  '7d': { label: 'Last 7 days', ms: 7 * 86400e3, step: 6 * 3600e3 },
  '30d': { label: 'Last 30 days', ms: 30 * 86400e3, step: 86400e3 },
};

/** The window for a range ending at `now`, aligned to its step so buckets are stable between renders. */
export function rangeWindow(key: RangeKey, now: number): { from: number; to: number; step: number } {
  const { ms, step } = RANGES[key];
  const to = Math.ceil(now / step) * step;
  return { from: to - ms, to, step };
}
