// Sums of session figures per day, week (Monday first), month and year in each charger's local
// calendar, the comparison with the previous period, and the calendar of charging days. Pure.
// A session counts in the period of the local day it started on.
import { dayOfYmd, isoDate, weekdayOfDay, ymdOfDay } from '../time-zone';
import type { SessionFigures } from './sessions';

export type Period = 'day' | 'week' | 'month' | 'year';
export const PERIODS: readonly Period[] = ['day', 'week', 'month', 'year'];

export interface Totals {
  sessions: number;
  energyWh: number;
  /** Sum over the sessions whose cost is known; `costUnknown` counts the others. */
  costCents: number;
  costUnknown: number;
  savingsCents: number;
  savingsUnknown: number;
  gridCo2G: number;
  gasolineCo2G: number;
  gasolineCo2Unknown: number;
}

export interface Bucket extends Totals {
  /** First local day of the period (days since 1970-01-01). */
  startDay: number;
  /** First day of the next period. */
  endDay: number;
  label: string;
}

export function emptyTotals(): Totals {
  return { sessions: 0, energyWh: 0, costCents: 0, costUnknown: 0, savingsCents: 0, savingsUnknown: 0, gridCo2G: 0, gasolineCo2G: 0, gasolineCo2Unknown: 0 };
}

export function addTo(t: Totals, s: SessionFigures): void {
  t.sessions++;
  t.energyWh += s.energyWh;
  if (s.costCents === undefined) t.costUnknown++;
  else t.costCents += s.costCents;
  if (s.savingsCents === undefined) t.savingsUnknown++;
  else t.savingsCents += s.savingsCents;
  t.gridCo2G += s.gridCo2G;
  if (s.gasolineCo2G === undefined) t.gasolineCo2Unknown++;
  else t.gasolineCo2G += s.gasolineCo2G;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The period containing a local day: its first day and the first day of the next one. */
export function periodOf(period: Period, day: number): { startDay: number; endDay: number } {
  switch (period) {
    case 'day':
      return { startDay: day, endDay: day + 1 };
    case 'week': {
      const start = day - ((weekdayOfDay(day) + 6) % 7);
      return { startDay: start, endDay: start + 7 };
    }
    case 'month': {
      const { year, month } = ymdOfDay(day);
      return { startDay: dayOfYmd(year, month, 1), endDay: dayOfYmd(year, month + 1, 1) };
    }
    case 'year': {
      const { year } = ymdOfDay(day);
      return { startDay: dayOfYmd(year, 1, 1), endDay: dayOfYmd(year + 1, 1, 1) };
    }
  }
}

export function periodLabel(period: Period, startDay: number): string {
  const { year, month } = ymdOfDay(startDay);
  switch (period) {
    case 'day':
      return isoDate(startDay);
    case 'week':
      return `week of ${isoDate(startDay)}`;
    case 'month':
      return `${MONTHS[month - 1]} ${year}`;
    case 'year':
      return String(year);
  }
}

/** How many periods the charts show back from today. */
export const PERIODS_SHOWN: Record<Period, number> = { day: 31, week: 26, month: 12, year: 5 };

export interface Aggregation {
  period: Period;
  /**
   * Oldest first, from the first period with data (or the current one) to the current one, the
   * empty ones between included: years before the first session are not shown.
   */
  buckets: Bucket[];
  /** Sums over the buckets shown. */
  total: Totals;
  current: Bucket;
  previous: Bucket;
  /**
   * Like for like: the previous period's first days, as many as have passed of the current one
   * (this month's 1st to 5th against last month's 1st to 5th). Undefined when the history does
   * not reach back to the previous period's start (nothing fair to compare with).
   */
  previousSameDays?: Bucket;
}

/**
 * Sums per period over the last PERIODS_SHOWN[period] periods up to the one containing `today`
 * (a local day number), from the first with data. One pass over the sessions, then a lookup per
 * period. `firstDay`: the first local day the history covers (default: the first session's).
 */
export function aggregate(sessions: readonly SessionFigures[], period: Period, today: number, count = PERIODS_SHOWN[period], firstDay?: number): Aggregation {
  const starts: number[] = [];
  let p = periodOf(period, today);
  for (let i = 0; i < count; i++) {
    starts.push(p.startDay);
    p = periodOf(period, p.startDay - 1);
  }
  starts.reverse();
  const buckets: Bucket[] = starts.map((startDay) => ({
    ...emptyTotals(),
    startDay,
    endDay: periodOf(period, startDay).endDay,
    label: periodLabel(period, startDay),
  }));
  const first = starts[0];
  const last = buckets[buckets.length - 1].endDay;
  // Day -> bucket index, built once for the range (at most a few thousand days).
  const index = new Int32Array(last - first).fill(-1);
  buckets.forEach((b, i) => index.fill(i, b.startDay - first, b.endDay - first));
  const total = emptyTotals();
  let earliest = Infinity;
  for (const s of sessions) {
    if (s.day < earliest) earliest = s.day;
    if (s.day < first || s.day >= last) continue;
    const i = index[s.day - first];
    if (i < 0) continue;
    addTo(buckets[i], s);
    addTo(total, s);
  }
  const historyFrom = firstDay ?? (Number.isFinite(earliest) ? earliest : today);
  // Only periods with data: from the one the history starts in (the current one at least).
  const shown = buckets.filter((b, i) => i === buckets.length - 1 || b.endDay > historyFrom);
  const current = shown[shown.length - 1];
  const previousRange = periodOf(period, current.startDay - 1);
  const previous = shown.length >= 2 ? shown[shown.length - 2] : { ...emptyTotals(), ...previousRange, label: periodLabel(period, previousRange.startDay) };
  const elapsed = today - current.startDay + 1;
  let previousSameDays: Bucket | undefined;
  if (historyFrom <= previous.startDay) {
    const endDay = Math.min(previous.endDay, previous.startDay + elapsed);
    previousSameDays = { ...emptyTotals(), startDay: previous.startDay, endDay, label: sameDaysLabel(period, previous.startDay, endDay) };
    for (const s of sessions) if (s.day >= previous.startDay && s.day < endDay) addTo(previousSameDays, s);
  }
  // The periods left out hold no sessions: the total over the range is the total shown.
  return { period, buckets: shown, total, current, previous, previousSameDays };
}

/** "yesterday", "the same days of last week (Mon–Wed)", "1–5 Nov", "1 Jan–5 Dec 2025". */
function sameDaysLabel(period: Period, startDay: number, endDay: number): string {
  const a = ymdOfDay(startDay);
  const b = ymdOfDay(endDay - 1);
  if (period === 'day') return isoDate(startDay);
  if (endDay - startDay === 1) return `${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
  if (a.month === b.month) return `${a.day}–${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
  return `${a.day} ${MONTHS[a.month - 1]}–${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
}

/** Change from `before` to `now` in percent; undefined when `before` is 0 (no basis to compare). */
export function percentChange(now: number, before: number): number | undefined {
  if (before === 0) return undefined;
  return ((now - before) / Math.abs(before)) * 100;
}

export interface CalendarDay {
  day: number;
  date: string;
  /** 0 = Monday … 6 = Sunday (the calendar's rows). */
  row: number;
  /** Week column, 0 = the oldest. */
  column: number;
  energyWh: number;
  sessions: number;
  /** 0 = no charging; 1..4 = the day's energy in quarters of the busiest day's (1: up to a quarter). */
  level: number;
}

/** The last `weeks` weeks of days up to `today` (Monday-first columns), with each day's energy. */
export function calendar(sessions: readonly SessionFigures[], today: number, weeks = 53): CalendarDay[] {
  const lastMonday = today - ((weekdayOfDay(today) + 6) % 7);
  const first = lastMonday - (weeks - 1) * 7;
  const n = today - first + 1;
  const energy = new Float64Array(n);
  const count = new Int32Array(n);
  for (const s of sessions) {
    const i = s.day - first;
    if (i < 0 || i >= n) continue;
    energy[i] += s.energyWh;
    count[i]++;
  }
  let max = 0;
  for (const e of energy) if (e > max) max = e;
  const out: CalendarDay[] = [];
  for (let i = 0; i < n; i++) {
    const e = energy[i];
    const level = e <= 0 ? 0 : Math.max(1, Math.ceil((4 * e) / max));
    out.push({ day: first + i, date: isoDate(first + i), row: i % 7, column: Math.floor(i / 7), energyWh: e, sessions: count[i], level });
  }
  return out;
}
