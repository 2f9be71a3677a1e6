import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qs } from '../src/api/client';
import { ApiError, humanMessage, parseRetryAfter } from '../src/api/errors';
import { normalizeRole } from '../src/api/session';
import { backoffMs } from '../src/api/ws';
import { can, roleLabel, roleOf } from '../src/components/roles';
import { shouldRetry } from '../src/app/retry';

test('query strings skip empty values and encode', () => {
  assert.equal(qs({ a: 1, b: '', c: undefined, d: null, e: 'x y&z' }), '?a=1&e=x%20y%26z');
  assert.equal(qs({}), '');
});

test('errors read as sentences', () => {
  assert.equal(new ApiError(422, 'validation_error', 'status: must be one of a, b').message, 'Status: must be one of a, b.');
  assert.match(humanMessage(0, 'network', ''), /cannot be reached/);
  assert.equal(humanMessage(429, 'rate_limited', 'slow down', 12), 'Too many requests. Try again in 12 s.');
  assert.match(humanMessage(403, 'forbidden', 'clients are read-only'), /^You are not allowed to do this: Clients are read-only\.$/);
  assert.match(humanMessage(409, 'stale_version', 'version 3 is stale'), /Someone else changed this incident/);
  assert.match(humanMessage(401, 'token_expired', ''), /sign in again/);
  assert.equal(humanMessage(404, 'not_found', ''), 'The request failed (HTTP 404).');
});

test('Retry-After in seconds or as a date', () => {
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 12:00:30 GMT', Date.parse('2026-12-03T12:00:00Z')), 30);
  assert.equal(parseRetryAfter('soon'), undefined);
});

test('roles: admin alias, what each may do', () => {
  assert.equal(normalizeRole('admin'), 'msp_admin');
  assert.equal(normalizeRole('weird'), 'client');
  assert.equal(roleOf({ role: 'admin' }), 'msp_admin');
  assert.ok(!can.workIncidents({ role: 'client' }));
  assert.ok(can.workIncidents({ role: 'technician' }));
  assert.ok(!can.administerCompany({ role: 'technician' }));
  assert.ok(can.administerCompany({ role: 'company_admin' }));
  assert.ok(!can.administerMsp({ role: 'company_admin' }));
  assert.ok(!can.seeAudit(null));
  assert.equal(roleLabel({ role: 'client' }), 'Client (read-only)');
});

test('reconnect backoff grows to 30 s with jitter', () => {
  assert.equal(backoffMs(1, 0.5), 1000);
  assert.equal(backoffMs(3, 0.5), 4000);
  assert.equal(backoffMs(20, 0.5), 30000);
  assert.equal(backoffMs(1, 0), 750);
  assert.equal(backoffMs(1, 1), 1250);
});

test('queries retry network errors, 429 and 5xx only', () => {
  assert.ok(shouldRetry(0, new ApiError(0, 'network', '')));
  assert.ok(shouldRetry(1, new ApiError(429, 'rate_limited', '', 2)));
  assert.ok(shouldRetry(0, new ApiError(503, 'unavailable', '')));
  assert.ok(!shouldRetry(3, new ApiError(503, 'unavailable', '')));
  assert.ok(!shouldRetry(0, new ApiError(403, 'forbidden', '')));
  assert.ok(!shouldRetry(0, new ApiError(404, 'not_found', '')));
});
