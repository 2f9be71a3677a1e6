/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketize, linePath, linear, niceScale, rangeWindow } from './chart';

test('bucketize counts stamps per step and skips those outside', () => {
  const from = Date.parse('2026-01-01T00:00:00Z');
  const b = bucketize(
    ['2026-01-01T00:10:00Z', '2026-01-01T00:59:59Z', '2026-01-01T01:00:00Z', '2025-12-31T23:59:59Z', 'junk',
      from + 2.5 * 3600e3],
    from, from + 3 * 3600e3, 3600e3);
  assert.deepEqual(b.map((x) => x.count), [2, 1, 1]);
  assert.equal(b[1].start, from + 3600e3);
});

test('bucketize returns nothing for an empty window', () => {
  assert.deepEqual(bucketize([], 10, 10, 1), []);
  assert.deepEqual(bucketize([], 0, 10, 0), []);
});

test('niceScale gives a round top and evenly spaced integer ticks', () => {
  assert.deepEqual(niceScale(0), { max: 1, ticks: [0, 1] });
  assert.deepEqual(niceScale(3), { max: 3, ticks: [0, 1, 2, 3] });
  assert.deepEqual(niceScale(17), { max: 20, ticks: [0, 5, 10, 15, 20] });
  const s = niceScale(950);
  assert.equal(s.max, 1000);
  assert.ok(s.ticks.length >= 3 && s.ticks.length <= 6);
});

test('linear maps and inverts ranges (SVG y grows downward)', () => {
  const y = linear(0, 10, 100, 0);
  assert.equal(y(0), 100);
  assert.equal(y(10), 0);
  assert.equal(y(5), 50);
});

test('linePath rounds to 0.1 px', () => {
  assert.equal(linePath([[0, 1.234], [10.06, 2]]), 'M0 1.2 L10.1 2');
});

test('rangeWindow aligns to the step', () => {
  const now = Date.parse('2026-01-01T10:30:00Z');
  const w = rangeWindow('24h', now);
  assert.equal(w.to, Date.parse('2026-01-01T11:00:00Z'));
  assert.equal(w.to - w.from, 24 * 3600e3);
});
