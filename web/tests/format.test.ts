import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Incident } from '../src/api/types';
import {
  compareQueue,
  formatDateTime,
  formatDuration,
  formatRelative,
  humanize,
  isOpenStatus,
  severityRank,
  slaCountdown,
  statusLabel,
  TRANSITIONS,
} from '../src/components/format';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

test('durations are compact and use the magnitude', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(12 * min), '12m');
  assert.equal(formatDuration(-12 * min), '12m');
  assert.equal(formatDuration(185 * min), '3h 05m');
  assert.equal(formatDuration((2 * 24 + 4) * 60 * min), '2d 4h');
});

test('relative times', () => {
  assert.equal(formatRelative(iso(NOW - 5 * min), NOW), '5m ago');
  assert.equal(formatRelative(iso(NOW + 3 * min), NOW), 'in 3m');
  assert.equal(formatRelative(iso(NOW - 2000), NOW), 'just now');
  assert.equal(formatRelative(null, NOW), '—');
  assert.equal(formatRelative('not a date', NOW), '—');
});

test('date-times are shown in the given time zone', () => {
  const t = '2026-12-03T23:30:00Z';
  const utc = formatDateTime(t, 'UTC', 'en-GB');
  const tokyo = formatDateTime(t, 'Asia/Tokyo', 'en-GB');
  assert.match(utc, /23:30/);
  assert.match(tokyo, /08:30/);
  assert.match(tokyo, /4/); // the next day in Tokyo
  assert.equal(formatDateTime(undefined), '—');
});

function inc(over: Partial<Incident>): Incident {
  return {
    id: 'i1',
    company_id: 'c',
    title: 't',
    status: 'new',
    priority_score: 50,
    severity: 'high',
    alert_count: 1,
    created_at: iso(NOW - 10 * min),
    version: 1,
    sla: { enabled: true, response_due: iso(NOW + 20 * min), resolution_due: iso(NOW + 230 * min), warning_minutes: 30 } as never,
    ...over,
  };
}

test('SLA countdown: response first, with warning inside the warning window', () => {
  const c = slaCountdown(inc({}), NOW);
  assert.equal(c.phase, 'response');
  assert.equal(c.tone, 'warning'); // 20 min left, warning at 30
  assert.equal(c.label, 'Respond 20m');
  assert.equal(c.msLeft, 20 * min);
});

test('SLA countdown: resolution once responded; ok when far away', () => {
  const c = slaCountdown(inc({ status: 'acknowledged', acknowledged_at: iso(NOW - min) }), NOW);
  assert.equal(c.phase, 'resolution');
  assert.equal(c.tone, 'ok');
  assert.equal(c.label, 'Resolve 3h 50m');
});

test('SLA countdown: breached is red with the time over', () => {
  const c = slaCountdown(inc({ sla: { enabled: true, response_due: iso(NOW - 4 * min), resolution_due: iso(NOW + min) } as never }), NOW);
  assert.equal(c.tone, 'breached');
  assert.equal(c.label, 'Breached 4m');
  assert.match(c.title, /response target was breached 4m ago/);
});

test('SLA countdown: none without SLA, done when closed', () => {
  assert.equal(slaCountdown(inc({ sla: { enabled: false } as never }), NOW).tone, 'none');
  assert.equal(slaCountdown(inc({ sla: null }), NOW).tone, 'none');
  assert.equal(slaCountdown(inc({ status: 'resolved' }), NOW).tone, 'met');
});

test('queue order: priority, then oldest first, then id', () => {
  const a = inc({ id: 'a', priority_score: 10, created_at: iso(NOW - 1 * min) });
  const b = inc({ id: 'b', priority_score: 90, created_at: iso(NOW - 1 * min) });
  const c = inc({ id: 'c', priority_score: 10, created_at: iso(NOW - 9 * min) });
  const d = inc({ id: 'd', priority_score: 10, created_at: iso(NOW - 9 * min) });
  assert.deepEqual([a, d, b, c].sort(compareQueue).map((x) => x.id), ['b', 'c', 'd', 'a']);
});

test('status and severity helpers', () => {
  assert.equal(statusLabel('in_progress'), 'In progress');
  assert.equal(humanize('incident.auto_escalated'), 'Incident auto escalated');
  assert.ok(isOpenStatus('escalated'));
  assert.ok(!isOpenStatus('resolved'));
  assert.ok(severityRank('critical') < severityRank('low'));
  assert.deepEqual(TRANSITIONS.in_progress, ['escalated', 'resolved']);
  assert.deepEqual(TRANSITIONS.closed, []);
});
