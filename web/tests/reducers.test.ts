import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, Incident } from '../src/api/types';
import { reduceIncident, reduceOpenIncidents, reduceUnreadCount } from '../src/live/reducers';

function inc(id: string, over: Partial<Incident> = {}): Incident {
  return {
    id,
    company_id: 'comp-acme',
    title: id,
    status: 'new',
    priority_score: 10,
    severity: 'low',
    alert_count: 1,
    created_at: '2026-12-03T10:00:00Z',
    version: 1,
    alert_ids: ['a0'],
    ...over,
  } as Incident;
}
const alert = (id: string, incident: string): Alert =>
  ({ id, company_id: 'comp-acme', correlated_incident_id: incident, asset_name: 'x', signature: 's', severity: 'low', message: '', tool_source: 'Zabbix', status: 'active', received_at: '2026-12-03T11:00:00Z' }) as Alert;

test('incident_created inserts an open incident once', () => {
  const list = [inc('a')];
  const next = reduceOpenIncidents(list, { type: 'incident_created', data: inc('b'), id: 1 })!;
  assert.deepEqual(next.map((x) => x.id), ['b', 'a']);
  const again = reduceOpenIncidents(next, { type: 'incident_created', data: inc('b'), id: 2 })!;
  assert.equal(again.length, 2);
});

test('incident_updated patches; an older version is ignored', () => {
  const list = [inc('a', { version: 3, title: 'three' })];
  const older = reduceOpenIncidents(list, { type: 'incident_updated', data: inc('a', { version: 2, title: 'two' }) });
  assert.equal(older, list);
  const newer = reduceOpenIncidents(list, { type: 'incident_updated', data: inc('a', { version: 4, title: 'four', status: 'acknowledged' }) })!;
  assert.equal(newer[0].title, 'four');
  assert.equal(newer[0].status, 'acknowledged');
  assert.notEqual(newer, list); // a new array (React sees the change)
});

test('a resolved incident leaves the open list', () => {
  const list = [inc('a'), inc('b')];
  const next = reduceOpenIncidents(list, { type: 'incident_updated', data: inc('a', { version: 2, status: 'resolved' }) })!;
  assert.deepEqual(next.map((x) => x.id), ['b']);
  // and a resolved incident we never had is not added
  assert.equal(reduceOpenIncidents(next, { type: 'incident_updated', data: inc('z', { status: 'closed' }) }), next);
});

test('an updated incident we did not have (e.g. reopened) is added', () => {
  const next = reduceOpenIncidents([], { type: 'incident_updated', data: inc('r', { status: 'in_progress', version: 5 }) })!;
  assert.deepEqual(next.map((x) => x.id), ['r']);
});

test('alert_received bumps the count once, adds the tool, and is idempotent', () => {
  const list = [inc('a')];
  const one = reduceOpenIncidents(list, { type: 'alert_received', data: alert('a1', 'a') })!;
  assert.equal(one[0].alert_count, 2);
  assert.deepEqual(one[0].tool_sources, ['Zabbix']);
  assert.equal(one[0].last_alert_at, '2026-12-03T11:00:00Z');
  const again = reduceOpenIncidents(one, { type: 'alert_received', data: alert('a1', 'a') });
  assert.equal(again, one);
  // already counted by the incident event that came first
  const counted = [inc('a', { alert_ids: ['a2'], alert_count: 7 })];
  assert.equal(reduceOpenIncidents(counted, { type: 'alert_received', data: alert('a2', 'a') }), counted);
});

test('events of other types or unknown incidents change nothing', () => {
  const list = [inc('a')];
  assert.equal(reduceOpenIncidents(list, { type: 'chat_message', data: {} }), list);
  assert.equal(reduceOpenIncidents(list, { type: 'alert_received', data: alert('q', 'other') }), list);
  assert.equal(reduceOpenIncidents(undefined, { type: 'incident_created', data: inc('b') }), undefined);
  assert.equal(reduceOpenIncidents(list, { type: 'incident_created', data: null }), list);
});

test('the detail cache follows its incident and keeps its loaded alerts', () => {
  const cur = inc('a', { alerts: [alert('a0', 'a')] });
  const next = reduceIncident(cur, { type: 'incident_updated', data: inc('a', { version: 2, status: 'resolved' }) })!;
  assert.equal(next.status, 'resolved');
  assert.equal(next.alerts?.length, 1);
  assert.equal(reduceIncident(cur, { type: 'incident_updated', data: inc('b', { version: 9 }) }), cur);
});

test('notifications bump the unread count', () => {
  assert.equal(reduceUnreadCount(2, { type: 'notification', data: { read: false } }), 3);
  assert.equal(reduceUnreadCount(2, { type: 'notification', data: { read: true } }), 2);
  assert.equal(reduceUnreadCount(2, { type: 'incident_created', data: {} }), 2);
});
