// On-call week calendar: the shifts of schedules as instants (the same rules
// as the server's src/core/oncall.cc) and their layout in a week of days in
// the viewer's time zone. Pure: "now" and zones are passed in.

export interface Override {
  user_id: string;
  start: string;
  end: string;
  reason?: string;
}

export interface Schedule {
  id: string;
  company_id: string;
  name?: string;
  user_id: string;
  type: 'one_time' | 'daily' | 'weekly';
  days_of_week?: number[]; // 0 = Monday
  date?: string; // YYYY-MM-DD
  start_time: string; // HH:MM
  end_time: string;
  timezone?: string;
  priority?: number;
  active?: boolean;
  overrides?: Override[];
}

export interface Interval {
  start: number; // ms
  end: number;
  user_id: string;
  schedule_id: string;
  override: boolean;
}

const DAY = 86400e3;

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsCache.set(tz, f);
  }
  return f;
}

/** Whether the runtime knows the IANA zone. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `ms` in `tz`, as if it were UTC (ms). */
export function toLocal(ms: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const x of formatter(tz).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (ms % 1000 + 1000) % 1000;
}

/** Offset of `tz` from UTC at instant `ms` (ms). */
function offsetAt(ms: number, tz: string): number {
  return toLocal(ms, tz) - ms;
}

/**
 * The instant whose wall clock in `tz` is `local` (ms as if UTC), as the
 * server's TimeZone::ToUtc: the earlier of the valid candidates; in a DST gap
 * the offset from before the gap.
 */
export function toUtc(local: number, tz: string): number {
  const before = offsetAt(local - DAY, tz);
  const after = offsetAt(local + DAY, tz);
  let best: number | null = null;
  for (const o of [before, after]) {
    const u = local - o;
    if (offsetAt(u, tz) === o && (best === null || u < best)) best = u;
  }
  return best ?? local - before;
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm ?? '');
  if (!m) return NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Weekday of a local day number (days since 1970-01-01): 0 = Monday. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Every shift and override of `s` overlapping [from, to) (ms). Inactive schedules have none. */
export function shiftIntervals(s: Schedule, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  if (s.active === false) return out;
  const tz = s.timezone && isValidTimeZone(s.timezone) ? s.timezone : 'UTC';
  const startMin = minutesOf(s.start_time);
  const endMin = minutesOf(s.end_time);
  if (Number.isFinite(startMin) && Number.isFinite(endMin)) {
    const crosses = endMin <= startMin;
    const first = Math.floor(toLocal(from, tz) / DAY) - 2;
    const last = Math.floor(toLocal(to, tz) / DAY) + 1;
    const oneTimeDay = s.type === 'one_time' && s.date ? Math.floor(Date.parse(`${s.date}T00:00:00Z`) / DAY) : NaN;
    const days = new Set(s.days_of_week ?? []);
    for (let day = first; day <= last; day++) {
      const runs = s.type === 'daily' || (s.type === 'weekly' && days.has(weekdayOfDay(day))) ||
        (s.type === 'one_time' && day === oneTimeDay);
      if (!runs) continue;
      const start = toUtc(day * DAY + startMin * 60e3, tz);
      const end = toUtc((day + (crosses ? 1 : 0)) * DAY + endMin * 60e3, tz);
      if (end <= start) continue;
      if (end > from && start < to) out.push({ start, end, user_id: s.user_id, schedule_id: s.id, override: false });
    }
  }
  for (const o of s.overrides ?? []) {
    const a = Date.parse(o.start);
    const b = Date.parse(o.end);
    if (b > a && b > from && a < to) out.push({ start: a, end: b, user_id: o.user_id, schedule_id: s.id, override: true });
  }
  return out;
}

/** Monday 00:00 (in `tz`) of the week holding `ms`, as an instant. */
export function weekStart(ms: number, tz: string): number {
  const localDay = Math.floor(toLocal(ms, tz) / DAY);
  const monday = localDay - weekdayOfDay(localDay);
  return toUtc(monday * DAY, tz);
}

export interface Block {
  day: number; // 0..6 from the week's Monday
  top: number; // minutes after local midnight
  bottom: number; // minutes after local midnight (≤ 1440)
  interval: Interval;
  continues: boolean; // goes on past this day
  continued: boolean; // began before this day
}

/**
 * Splits intervals into per-day blocks of the week starting at `monday`
 * (an instant from weekStart) as seen in `tz`.
 */
export function layoutWeek(intervals: Interval[], monday: number, tz: string): Block[] {
  const mondayDay = Math.floor(toLocal(monday, tz) / DAY);
  const blocks: Block[] = [];
  for (const iv of intervals) {
    const a = toLocal(iv.start, tz);
    const b = toLocal(iv.end, tz);
    for (let d = Math.floor(a / DAY); d * DAY < b; d++) {
      const col = d - mondayDay;
      if (col < 0 || col > 6) continue;
      const dayStart = d * DAY;
      const top = Math.max(0, (a - dayStart) / 60e3);
      const bottom = Math.min(1440, (b - dayStart) / 60e3);
      if (bottom <= top) continue;
      blocks.push({ day: col, top, bottom, interval: iv, continues: b > dayStart + DAY, continued: a < dayStart });
    }
  }
  blocks.sort((x, y) => x.day - y.day || x.top - y.top);
  return blocks;
}

/** "09:00" for a minute of the day; 1440 reads "24:00". */
export function hhmm(minutes: number): string {
  const m = Math.round(minutes);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
