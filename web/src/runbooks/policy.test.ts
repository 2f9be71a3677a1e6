/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  approvalBlock, EMPTY_RUNBOOK, formFromRunbook, minutesLeft, runbookBody, validateRunbook, type ApprovalRequest,
} from './policy';

const now = Date.parse('2026-01-01T12:00:00Z');
const req = (over: Partial<ApprovalRequest>): ApprovalRequest => ({
  id: 'r1', company_id: 'comp-acme', status: 'pending', risk_level: 'medium', required_approver_role: 'company_admin',
  requested_by: 'tech', expires_at: '2026-01-01T12:30:00Z', ...over,
});

test('four-eyes: the requester never decides their own request', () => {
  assert.match(approvalBlock({ id: 'tech', role: 'msp_admin' }, req({}), now)!, /Four-eyes/);
});

test('technicians never approve; company admins not high risk; MSP admins may', () => {
  assert.ok(approvalBlock({ id: 'x', role: 'technician' }, req({}), now));
  assert.equal(approvalBlock({ id: 'x', role: 'company_admin' }, req({}), now), null);
  assert.match(approvalBlock({ id: 'x', role: 'company_admin' }, req({ risk_level: 'high',
    required_approver_role: 'msp_admin' }), now)!, /MSP admin/);
  assert.equal(approvalBlock({ id: 'x', role: 'msp_admin' }, req({ risk_level: 'high' }), now), null);
  assert.equal(approvalBlock({ id: 'x', role: 'admin' }, req({}), now), null);
});

test('decided and expired requests', () => {
  assert.equal(approvalBlock({ id: 'x', role: 'technician' }, req({ status: 'approved' }), now), null);
  assert.match(approvalBlock({ id: 'x', role: 'msp_admin' }, req({ expires_at: '2026-01-01T11:00:00Z' }), now)!, /expired/);
  assert.equal(minutesLeft(req({}), now), 30);
  assert.equal(minutesLeft(req({ expires_at: '2026-01-01T11:00:00Z' }), now), null);
});

test('runbook form validation', () => {
  const f = { ...EMPTY_RUNBOOK, company_id: 'c', name: 'Restart', commands: 'x' };
  assert.deepEqual(validateRunbook(f), {});
  assert.ok(validateRunbook({ ...f, risk_level: 'high', auto_approve: true }).auto_approve);
  assert.ok(validateRunbook({ ...f, timeout_seconds: '10' }).timeout_seconds);
  assert.match(validateRunbook({ ...f, target_mode: 'instances', instance_ids: 'i-0123456789abcdef0, web-1' }).instance_ids,
    /web-1/);
  assert.ok(validateRunbook({ ...f, target_mode: 'tag', target_tag_key: 'Role' }).target_tag_value);
  assert.ok(validateRunbook({ ...f, name: ' ' }).name);
});

test('runbook body: commands per line, target modes clear each other, no company on update', () => {
  const f = { ...EMPTY_RUNBOOK, company_id: 'c', name: ' R ', commands: 'echo 1\n\n  echo 2  \n', target_mode: 'tag' as const,
    target_tag_key: 'Role', target_tag_value: 'web', instance_ids: 'i-0123456789abcdef0' };
  const b = runbookBody(f, false);
  assert.deepEqual(b.parameters, { commands: ['echo 1', '  echo 2'] });
  assert.deepEqual(b.instance_ids, []);
  assert.equal(b.target_tag_key, 'Role');
  assert.equal(b.company_id, 'c');
  assert.equal(b.name, 'R');
  assert.equal('company_id' in runbookBody(f, true), false);
});

test('formFromRunbook round-trips a runbook', () => {
  const f = formFromRunbook({ id: 'r', company_id: 'c', name: 'N', risk_level: 'medium', parameters: { commands: ['a', 'b'] },
    instance_ids: ['i-0123456789abcdef0'], timeout_seconds: 900 });
  assert.equal(f.commands, 'a\nb');
  assert.equal(f.target_mode, 'instances');
  assert.equal(f.timeout_seconds, '900');
});
