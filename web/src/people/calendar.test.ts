/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hhmm, layoutWeek, shiftIntervals, toLocal, toUtc, weekStart, weekdayOfDay, type Schedule } from './calendar';

const iso = (ms: number) => new Date(ms).toISOString();
const base: Schedule = {
  id: 's1', company_id: 'c', user_id: 'u1', type: 'weekly', days_of_week: [0, 1, 2, 3, 4], start_time: '09:00',
  end_time: '17:00', timezone: 'UTC',
};

test('weekdayOfDay: 1970-01-01 was a Thursday', () => {
  assert.equal(weekdayOfDay(0), 3);
  assert.equal(weekdayOfDay(4), 0); // 1970-01-05, a Monday
});

test('toLocal/toUtc convert wall clocks in an IANA zone, also across DST', () => {
  const summer = Date.parse('2026-07-01T07:00:00Z');
  assert.equal(iso(toLocal(summer, 'Europe/Berlin')), '2026-07-01T09:00:00.000Z');
  assert.equal(iso(toUtc(Date.parse('2026-07-01T09:00:00Z'), 'Europe/Berlin')), '2026-07-01T07:00:00.000Z');
  assert.equal(iso(toUtc(Date.parse('2026-01-15T09:00:00Z'), 'Europe/Berlin')), '2026-01-15T08:00:00.000Z');
  // 02:30 on 2026-03-29 does not exist in Berlin: the offset before the gap applies (as the server).
  assert.equal(iso(toUtc(Date.parse('2026-03-29T02:30:00Z'), 'Europe/Berlin')), '2026-03-29T01:30:00.000Z');
});

test('weekly shifts run on their days only', () => {
  const from = Date.parse('2026-11-30T00:00:00Z'); // a Monday
  const iv = shiftIntervals(base, from, from + 7 * 86400e3);
  assert.equal(iv.length, 5);
  assert.equal(iso(iv[0].start), '2026-11-30T09:00:00.000Z');
  assert.equal(iso(iv[4].end), '2026-12-04T17:00:00.000Z');
});

test('a shift ending at or before its start crosses midnight; equal times make 24 hours', () => {
  const from = Date.parse('2026-11-30T00:00:00Z');
  const night = shiftIntervals({ ...base, type: 'daily', start_time: '22:00', end_time: '06:00' }, from, from + 86400e3);
  // the one begun Sunday night and the one of Monday night overlap Monday
  assert.deepEqual(night.map((i) => [iso(i.start), iso(i.end)]), [
    ['2026-11-29T22:00:00.000Z', '2026-11-30T06:00:00.000Z'],
    ['2026-11-30T22:00:00.000Z', '2026-12-01T06:00:00.000Z'],
  ]);
  const full = shiftIntervals({ ...base, type: 'one_time', date: '2026-12-01', start_time: '08:00', end_time: '08:00' },
    from, from + 7 * 86400e3);
  assert.equal(full.length, 1);
  assert.equal(full[0].end - full[0].start, 86400e3);
});

test('schedule time zones are honoured; inactive schedules have no shifts; overrides are kept', () => {
  const from = Date.parse('2026-11-30T00:00:00Z');
  const ny = shiftIntervals({ ...base, timezone: 'America/New_York', days_of_week: [0] }, from, from + 86400e3 * 2);
  assert.equal(iso(ny[0].start), '2026-11-30T14:00:00.000Z');
  assert.deepEqual(shiftIntervals({ ...base, active: false }, from, from + 86400e3 * 7), []);
  const o = shiftIntervals({ ...base, days_of_week: [], overrides: [
    { user_id: 'u2', start: '2026-12-01T10:00:00Z', end: '2026-12-01T12:00:00Z' },
    { user_id: 'u3', start: '2027-12-01T10:00:00Z', end: '2027-12-01T12:00:00Z' },
  ] }, from, from + 86400e3 * 7);
  assert.equal(o.length, 1);
  assert.equal(o[0].override, true);
  assert.equal(o[0].user_id, 'u2');
});

test('weekStart is Monday midnight in the viewer zone', () => {
  assert.equal(iso(weekStart(Date.parse('2026-12-03T12:00:00Z'), 'UTC')), '2026-11-30T00:00:00.000Z');
  assert.equal(iso(weekStart(Date.parse('2026-12-03T12:00:00Z'), 'Asia/Tokyo')), '2026-11-29T15:00:00.000Z');
});

test('layoutWeek splits a night shift at midnight and drops days outside the week', () => {
  const monday = Date.parse('2026-11-30T00:00:00Z');
  const iv = shiftIntervals({ ...base, type: 'weekly', days_of_week: [6], start_time: '22:00', end_time: '06:00' },
    monday - 7 * 86400e3, monday + 14 * 86400e3);
  const blocks = layoutWeek(iv, monday, 'UTC');
  // Sunday 29 Nov night spills into this Monday 00-06; this Sunday 6 Dec 22-24.
  assert.deepEqual(blocks.map((b) => [b.day, hhmm(b.top), hhmm(b.bottom), b.continued, b.continues]), [
    [0, '00:00', '06:00', true, false],
    [6, '22:00', '24:00', false, true],
  ]);
});
