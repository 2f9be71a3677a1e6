import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry, Incident } from '../src/api/types';
import { matches, readFilters, writeFilters } from '../src/queue/filters';
import { buildTimeline } from '../src/incidents/timelineModel';
import { mayApprove } from '../src/incidents/approvals';

const inc = (over: Partial<Incident> = {}): Incident =>
  ({
    id: 'inc-1',
    company_id: 'comp-acme',
    title: 'High CPU on web-01',
    status: 'new',
    priority_score: 70,
    severity: 'high',
    alert_count: 3,
    asset_name: 'web-01',
    signature: 'high_cpu',
    tool_sources: ['Datadog'],
    created_at: '2026-12-03T10:00:00Z',
    version: 1,
    ...over,
  }) as Incident;

test('queue filters round-trip through the URL and ignore junk', () => {
  const f = readFilters(new URLSearchParams('company=comp-acme&assigned=me&q=cpu&bogus=1'));
  assert.deepEqual(f, { company: 'comp-acme', status: '', severity: '', assigned: 'me', q: 'cpu' });
  assert.equal(writeFilters(f).toString(), 'company=comp-acme&assigned=me&q=cpu');
  assert.equal(readFilters(new URLSearchParams('assigned=everyone')).assigned, '');
});

test('queue filters match company, status, severity, assignee and words', () => {
  const base = readFilters(new URLSearchParams());
  assert.ok(matches(inc(), base, 'u1'));
  assert.ok(!matches(inc(), { ...base, company: 'comp-global' }, 'u1'));
  assert.ok(!matches(inc(), { ...base, status: 'acknowledged' }, 'u1'));
  assert.ok(matches(inc(), { ...base, severity: 'high' }, 'u1'));
  assert.ok(!matches(inc(), { ...base, assigned: 'me' }, 'u1'));
  assert.ok(matches(inc({ assigned_to: 'u1' }), { ...base, assigned: 'me' }, 'u1'));
  assert.ok(matches(inc(), { ...base, assigned: 'unassigned' }, 'u1'));
  assert.ok(!matches(inc({ assigned_to: 'u2' }), { ...base, assigned: 'unassigned' }, 'u1'));
  assert.ok(matches(inc(), { ...base, q: 'CPU web' }, 'u1'));
  assert.ok(matches(inc(), { ...base, q: 'datadog' }, 'u1'));
  assert.ok(matches(inc(), { ...base, q: 'acme' }, 'u1', 'Acme Corp'));
  assert.ok(!matches(inc(), { ...base, q: 'cpu disk' }, 'u1'));
});

const entry = (action: string, at: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: at,
  company_id: 'comp-acme',
  at,
  user_id: 'u1',
  user_email: 'tech@acme.com',
  user_role: 'technician',
  action,
  resource_type: 'incident',
  resource_id: 'inc-1',
  outcome: 'success',
  ...over,
});

test('timeline: audit entries of this incident, newest first, with who', () => {
  const i = inc({ acknowledged_at: '2026-12-03T10:05:00Z', resolved_at: '2026-12-03T10:30:00Z', status: 'resolved' });
  const t = buildTimeline(i, [
    entry('incident.acknowledge', '2026-12-03T10:05:00Z'),
    entry('incident_updated', '2026-12-03T10:30:00Z'),
    entry('incident_updated', '2026-12-03T10:10:00Z', { resource_id: 'other' }),
    entry('incident.escalate', '2026-12-03T10:20:00Z', { outcome: 'denied' }),
  ]);
  assert.deepEqual(
    t.map((x) => x.what),
    ['Updated', 'Resolved', 'Escalated', 'Acknowledged', 'Opened from 3 alerts'],
  );
  assert.equal(t.find((x) => x.what === 'Acknowledged')?.who, 'tech@acme.com');
  assert.equal(t.find((x) => x.what === 'Escalated')?.outcome, 'denied');
});

test('timeline without audit access comes from the incident itself', () => {
  const t = buildTimeline(inc({ acknowledged_at: '2026-12-03T10:05:00Z', assigned_at: '2026-12-03T10:05:00Z' }), null);
  assert.deepEqual(t.map((x) => x.what).sort(), ['Acknowledged', 'Assigned', 'Opened from 3 alerts']);
});

test('who may decide an approval request', () => {
  assert.ok(mayApprove('company_admin', 'company_admin'));
  assert.ok(mayApprove('msp_admin', 'company_admin'));
  assert.ok(!mayApprove('technician', 'company_admin'));
  assert.ok(!mayApprove('company_admin', 'msp_admin'));
  assert.ok(!mayApprove('client', 'client'));
});
