/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateKpis, formatCount, formatMinutes, formatPct, noiseReduction, type Kpis } from './kpi';

test('formatPct drops a trailing .0 and says — when unknown', () => {
  assert.equal(formatPct(87.54), '87.5 %');
  assert.equal(formatPct(100), '100 %');
  assert.equal(formatPct(0), '0 %');
  assert.equal(formatPct(null), '—');
  assert.equal(formatPct(NaN), '—');
});

test('formatMinutes reads like a person would say it', () => {
  assert.equal(formatMinutes(0.5), '30 s');
  assert.equal(formatMinutes(12.4), '12 min');
  assert.equal(formatMinutes(60), '1 h');
  assert.equal(formatMinutes(125), '2 h 5 min');
  assert.equal(formatMinutes(1440), '1 d');
  assert.equal(formatMinutes(1440 + 4 * 60 + 10), '1 d 4 h');
  assert.equal(formatMinutes(2 * 1440 - 5), '2 d');
  assert.equal(formatMinutes(null), '—');
  assert.equal(formatMinutes(-1), '—');
});

test('formatCount groups thousands', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(undefined), '—');
});

test('noiseReduction matches the server formula and never goes below 0', () => {
  assert.equal(noiseReduction(0, 0), 0);
  assert.equal(noiseReduction(200, 30), 85);
  assert.equal(noiseReduction(3, 1), 66.7);
  assert.equal(noiseReduction(5, 9), 0);
});

const k = (over: Partial<Kpis>): Kpis => ({
  company_id: 'c', total_alerts: 0, repeated_alerts: 0, total_incidents: 0, noise_reduction_pct: 0, open_incidents: 0,
  open_incidents_by_severity: { critical: 0, high: 0, medium: 0, low: 0 }, acknowledged_incidents: 0,
  resolved_incidents: 0, mtta_minutes: null, mttr_minutes: null, ...over,
});

test('aggregateKpis sums counters and weights MTTA/MTTR by incident counts', () => {
  const a = aggregateKpis([
    k({ total_alerts: 100, total_incidents: 10, open_incidents: 2, open_incidents_by_severity: { critical: 1, high: 1, medium: 0, low: 0 },
      acknowledged_incidents: 1, mtta_minutes: 10, resolved_incidents: 3, mttr_minutes: 60 }),
    k({ total_alerts: 100, total_incidents: 30, open_incidents: 1, open_incidents_by_severity: { critical: 0, high: 0, medium: 0, low: 1 },
      acknowledged_incidents: 3, mtta_minutes: 2, resolved_incidents: 1, mttr_minutes: 20 }),
    k({}),
  ]);
  assert.equal(a.total_alerts, 200);
  assert.equal(a.total_incidents, 40);
  assert.equal(a.noise_reduction_pct, 80);
  assert.equal(a.open_incidents, 3);
  assert.deepEqual(a.open_incidents_by_severity, { critical: 1, high: 1, medium: 0, low: 1 });
  assert.equal(a.mtta_minutes, 4); // (10*1 + 2*3) / 4
  assert.equal(a.mttr_minutes, 50); // (60*3 + 20*1) / 4
});

test('aggregateKpis of nothing has unknown averages', () => {
  const a = aggregateKpis([]);
  assert.equal(a.mtta_minutes, null);
  assert.equal(a.noise_reduction_pct, 0);
});
