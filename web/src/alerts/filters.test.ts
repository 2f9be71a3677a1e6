/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_FILTERS, filtersToSearch, hasClientFilters, matchesAlert, parseFilters, serverParams, tailPause, tailReceive,
  tailResume, TAIL_MAX, type Alert, type TailState,
} from './filters';

const now = Date.parse('2026-01-01T12:00:00Z');
const alert = (over: Partial<Alert>): Alert => ({
  id: 'a1', company_id: 'comp-acme', asset_name: 'prod-server-01', signature: 'cpu', severity: 'high', message: 'm',
  tool_source: 'Datadog', status: 'active', timestamp: '2026-01-01T11:30:00Z', ...over,
});

test('parseFilters drops unknown values and round-trips through the URL', () => {
  const f = parseFilters(new URLSearchParams('company=comp-acme&severity=loud&status=resolved&range=7d&tool=Data'));
  assert.deepEqual(f, { ...EMPTY_FILTERS, company: 'comp-acme', status: 'resolved', range: '7d', tool: 'Data' });
  assert.equal(filtersToSearch(f).toString(), 'company=comp-acme&status=resolved&tool=Data&range=7d');
  assert.deepEqual(parseFilters(filtersToSearch(f)), f);
});

test('serverParams sends only what the API filters', () => {
  const f = { ...EMPTY_FILTERS, company: 'c1', status: 'active', severity: 'high', asset: 'x' };
  assert.deepEqual(serverParams(f), { company_id: 'c1', status: 'active' });
  assert.equal(hasClientFilters(f), true);
  assert.equal(hasClientFilters({ ...EMPTY_FILTERS, company: 'c1' }), false);
});

test('matchesAlert applies severity, substring asset/tool and the time range', () => {
  assert.equal(matchesAlert(alert({}), EMPTY_FILTERS, now), true);
  assert.equal(matchesAlert(alert({}), { ...EMPTY_FILTERS, severity: 'critical' }, now), false);
  assert.equal(matchesAlert(alert({}), { ...EMPTY_FILTERS, asset: 'PROD' }, now), true);
  assert.equal(matchesAlert(alert({}), { ...EMPTY_FILTERS, tool: 'zabbix' }, now), false);
  assert.equal(matchesAlert(alert({}), { ...EMPTY_FILTERS, range: '1h' }, now), true);
  assert.equal(matchesAlert(alert({ timestamp: '2026-01-01T10:00:00Z' }), { ...EMPTY_FILTERS, range: '1h' }, now), false);
  assert.equal(matchesAlert(alert({ company_id: 'other' }), { ...EMPTY_FILTERS, company: 'comp-acme' }, now), false);
});

test('live tail prepends, replaces a known id, ignores filtered ones and stays bounded', () => {
  let s: TailState = { paused: false, items: [], queued: [] };
  s = tailReceive(s, alert({ id: 'a1' }), EMPTY_FILTERS, now);
  s = tailReceive(s, alert({ id: 'a2' }), EMPTY_FILTERS, now);
  assert.deepEqual(s.items.map((a) => a.id), ['a2', 'a1']);
  s = tailReceive(s, alert({ id: 'a1', delivery_attempts: 3 }), EMPTY_FILTERS, now);
  assert.deepEqual(s.items.map((a) => a.id), ['a1', 'a2']);
  const same = tailReceive(s, alert({ id: 'a9', severity: 'low' }), { ...EMPTY_FILTERS, severity: 'high' }, now);
  assert.equal(same, s);
  for (let i = 0; i < TAIL_MAX + 10; i++) s = tailReceive(s, alert({ id: `x${i}` }), EMPTY_FILTERS, now);
  assert.equal(s.items.length, TAIL_MAX);
  assert.equal(s.items[0].id, `x${TAIL_MAX + 9}`);
});

test('paused tail queues arrivals and resume puts them on top', () => {
  let s: TailState = { paused: false, items: [alert({ id: 'old' })], queued: [] };
  s = tailPause(s);
  s = tailReceive(s, alert({ id: 'n1' }), EMPTY_FILTERS, now);
  s = tailReceive(s, alert({ id: 'n2' }), EMPTY_FILTERS, now);
  assert.deepEqual(s.items.map((a) => a.id), ['old']);
  assert.equal(s.queued.length, 2);
  s = tailResume(s);
  assert.deepEqual(s.items.map((a) => a.id), ['n2', 'n1', 'old']);
  assert.equal(s.paused, false);
  assert.equal(s.queued.length, 0);
});

test('tailReceive ignores malformed events', () => {
  const s: TailState = { paused: false, items: [], queued: [] };
  assert.equal(tailReceive(s, {} as Alert, EMPTY_FILTERS, now), s);
});
