/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  curlExample, intOf, isAdminOf, validateCorrelation, validateEscalation, validateRateLimit, validateSla, webhookUrl,
  type EscalationPolicy, type SlaConfig,
} from './config';

const tzOk = (tz: string) => tz === 'UTC' || tz === 'Europe/Berlin';
const sla = (): SlaConfig => ({
  enabled: true,
  response_minutes: { critical: 30, high: 120, medium: 480, low: 1440 },
  resolution_minutes: { critical: 240, high: 480, medium: 1440, low: 2880 },
  warning_percent: 80,
  business_hours: { enabled: false, timezone: 'UTC', start: '09:00', end: '17:00', days: [0, 1, 2, 3, 4] },
});

test('the default SLA policy is valid', () => {
  assert.deepEqual(validateSla(sla(), tzOk), {});
});

test('SLA errors name the server field', () => {
  const c = sla();
  c.response_minutes.critical = 0;
  c.resolution_minutes.high = 60; // shorter than response 120
  c.warning_percent = 100;
  c.business_hours = { enabled: true, timezone: 'Mars/Olympus', start: '17:00', end: '09:00', days: [] };
  const e = validateSla(c, tzOk);
  assert.deepEqual(Object.keys(e).sort(), [
    'business_hours.days', 'business_hours.end', 'business_hours.timezone', 'resolution_minutes.high',
    'response_minutes.critical', 'warning_percent',
  ]);
  assert.match(e['resolution_minutes.high'], /shorter/);
});

test('business hours may end at 24:00 but not 24:30', () => {
  const c = sla();
  c.business_hours.end = '24:00';
  assert.deepEqual(validateSla(c, tzOk), {});
  c.business_hours.end = '24:30';
  assert.ok(validateSla(c, tzOk)['business_hours.end']);
});

const policy = (): EscalationPolicy => ({
  enabled: true,
  levels: [{ delay_minutes: 0, target: 'on_call' }, { delay_minutes: 15, target: 'company_admins' }],
  triggers: { unacknowledged_minutes: 15, priority_threshold: null, sla_warning: true, sla_breach: true },
});

test('escalation: delays never go down, users need people, thresholds bounded', () => {
  assert.deepEqual(validateEscalation(policy()), {});
  const p = policy();
  p.levels.push({ delay_minutes: 5, target: 'users', user_ids: [] });
  p.triggers.priority_threshold = 2000;
  const e = validateEscalation(p);
  assert.ok(e['levels[2].delay_minutes']);
  assert.ok(e['levels[2].user_ids']);
  assert.ok(e['triggers.priority_threshold']);
  assert.ok(validateEscalation({ ...policy(), levels: [] }).levels);
});

test('correlation and rate limit ranges', () => {
  assert.deepEqual(validateCorrelation({ time_window_minutes: 15, aggregation_key: 'asset|signature',
    min_alerts_for_incident: 1, auto_correlate: true, auto_resolve: true }), {});
  const e = validateCorrelation({ time_window_minutes: 0, aggregation_key: 'x', min_alerts_for_incident: 1001,
    auto_correlate: true, auto_resolve: true });
  assert.deepEqual(Object.keys(e).sort(), ['aggregation_key', 'min_alerts_for_incident', 'time_window_minutes']);
  assert.deepEqual(validateRateLimit({ enabled: true, requests_per_minute: 60, burst_size: 10 }), {});
  assert.ok(validateRateLimit({ enabled: true, requests_per_minute: NaN, burst_size: 0 }).burst_size);
});

test('intOf accepts whole numbers only', () => {
  assert.equal(intOf(' 42 '), 42);
  assert.ok(Number.isNaN(intOf('4.2')));
  assert.ok(Number.isNaN(intOf('')));
});

test('curl example: the key in a header, the secret never inlined', () => {
  assert.equal(webhookUrl('http://localhost:8001/'), 'http://localhost:8001/api/webhooks/alerts');
  const plain = curlExample('http://h:1', "aw_k'ey", false);
  assert.match(plain, /X-API-Key: aw_k'\\''ey/);
  assert.match(plain, /'http:\/\/h:1\/api\/webhooks\/alerts'/);
  const signed = curlExample('http://h:1', 'aw_key', true);
  assert.match(signed, /openssl dgst -sha256 -hmac "\$AW_WEBHOOK_SECRET"/);
  assert.match(signed, /X-Signature: sha256=\$SIG/);
  assert.doesNotMatch(signed, /whsec_/);
});

test('isAdminOf: MSP admins everywhere, company admins of their companies only', () => {
  assert.equal(isAdminOf({ role: 'msp_admin' }, 'c1'), true);
  assert.equal(isAdminOf({ role: 'admin' }, 'c1'), true);
  assert.equal(isAdminOf({ role: 'company_admin', company_ids: ['c1'] }, 'c1'), true);
  assert.equal(isAdminOf({ role: 'company_admin', company_ids: ['c2'] }, 'c1'), false);
  assert.equal(isAdminOf({ role: 'technician', company_ids: ['c1'] }, 'c1'), false);
  assert.equal(isAdminOf(null, 'c1'), false);
});
