/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditMatches, parseAuditFilters } from './filters';

const e = { user_email: 'tech@acme.com', outcome: 'denied', action: 'company.update', resource_type: 'company',
  resource_id: 'comp-acme', ip: '10.0.0.7', details: { name: 'Acme 2' } };

test('parseAuditFilters keeps known outcomes only', () => {
  assert.deepEqual(parseAuditFilters(new URLSearchParams('company=_msp&action= x &outcome=weird&user=a')),
    { company: '_msp', action: 'x', user: 'a', outcome: '', text: '' });
});

test('auditMatches: user substring, outcome exact, text across fields and details', () => {
  const f = parseAuditFilters(new URLSearchParams(''));
  assert.equal(auditMatches(e, f), true);
  assert.equal(auditMatches(e, { ...f, user: 'TECH@' }), true);
  assert.equal(auditMatches(e, { ...f, user: 'admin' }), false);
  assert.equal(auditMatches(e, { ...f, outcome: 'success' }), false);
  assert.equal(auditMatches(e, { ...f, outcome: 'denied' }), true);
  assert.equal(auditMatches(e, { ...f, text: '10.0.0' }), true);
  assert.equal(auditMatches(e, { ...f, text: 'acme 2' }), true);
  assert.equal(auditMatches(e, { ...f, text: 'nothing' }), false);
});
