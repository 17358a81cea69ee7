// Time-of-use schedule maths (pure, no vscode). Times are minutes of the day, 0..1440.
//
// Window semantics (the protocol's, made precise):
//   - start < end: charging allowed for minutes m with start <= m < end.
//   - end < start: wraps midnight: start..24:00 and 00:00..end (the protocol's rule).
//   - start == end: an EMPTY window (no charging at all that day type). We chose empty over
//     "all day" because "all day" is what schedule type 'disabled' is for; describeWindow says so.
//   - end may be 1440 (24:00); start may not (a window starting at midnight is 0).
import type { Schedule, ScheduleWindow } from './model';
import { localClock, localTime, machineTimeZone } from './time-zone';

export const MINUTES_PER_DAY = 1440;

/** 420 → "07:00", 1440 → "24:00". Throws RangeError outside 0..1440 or for non-integers. */
export function minutesToHHMM(m: number): string {
  if (!Number.isInteger(m) || m < 0 || m > MINUTES_PER_DAY) throw new RangeError(`Minutes of the day must be a whole number from 0 to 1440, got ${m}`);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "07:00", "7:00", "23:59", "24:00" → minutes of the day. Throws an Error saying what is expected. */
export function parseHHMM(text: string): number {
  const t = String(text).trim();
  const m = /^(\d{1,2})[:.h](\d{2})$/.exec(t);
  if (!m) throw new Error(`"${t}" is not a time: use HH:MM (24-hour), e.g. 07:00 or 23:30`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) throw new Error(`"${t}": minutes must be 00 to 59`);
  if (h > 24 || (h === 24 && min !== 0)) throw new Error(`"${t}": hours must be 00 to 23 (or exactly 24:00 for the end of the day)`);
  return h * 60 + min;
}

/** Whether typed text means `minutes` ("07:00" and "7:00" both mean 420); false when it is no time. */
export function isSameTime(text: string, minutes: number): boolean {
  try {
    return parseHHMM(text) === minutes;
  } catch {
    return false;
  }
}

/**
 * Problems with a window, as sentences (empty when valid): start 0..1439, end 0..1440,
 * car_ready_by 0..1440, all whole minutes.
 */
export function validateWindow(w: ScheduleWindow): string[] {
  const problems: string[] = [];
  const check = (name: string, v: unknown, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      problems.push(`${name} must be a whole number of minutes from 0 to ${max} (got ${JSON.stringify(v)})`);
    }
  };
  check('start', w?.start, MINUTES_PER_DAY - 1);
  check('end', w?.end, MINUTES_PER_DAY);
  check('carReadyBy', w?.carReadyBy, MINUTES_PER_DAY);
  return problems;
}

/** Minutes of charging the window allows per day: wrap counted, start == end → 0. */
export function windowDurationMinutes(w: ScheduleWindow): number {
  if (w.start === w.end) return 0;
  return w.end > w.start ? w.end - w.start : MINUTES_PER_DAY - w.start + w.end;
}

/** Whether minute-of-day m is inside the window (see the semantics at the top). */
export function isMinuteInWindow(w: Pick<ScheduleWindow, 'start' | 'end'>, m: number): boolean {
  if (w.start === w.end) return false;
  if (w.start < w.end) return m >= w.start && m < w.end;
  return m >= w.start || m < w.end;
}

/** "16:00 → 21:00", "23:00 → 07:00 (overnight)", "08:00 → 08:00 (empty: no charging)". */
export function describeWindow(w: ScheduleWindow): string {
  const a = minutesToHHMM(w.start);
  const b = minutesToHHMM(w.end);
  if (w.start === w.end) return `${a} → ${b} (empty: no charging)`;
  return w.end < w.start ? `${a} → ${b} (overnight)` : `${a} → ${b}`;
}

/**
 * Day of week (0 = Sunday) and minute of day of `date` in an IANA zone (default: this machine's),
 * by the one local-time function (time-zone.ts localClock). Throws RangeError for an unknown zone.
 */
export function localDayAndMinute(date: Date, timeZone?: string): { weekday: number; minute: number } {
  const { weekday, minuteOfDay } = localClock(timeZone ?? machineTimeZone(), Math.floor(date.getTime() / 1000));
  return { weekday, minute: minuteOfDay };
}

/**
 * Whether the schedule allows charging at `date`. 'disabled' → always true. Otherwise the window of
 * the date's day type (Saturday/Sunday = weekend, in `timeZone`, an IANA name; default local time)
 * decides for the minute of day. Kept simple on purpose: the early-morning part of a wrapped window
 * is judged with TODAY's window, not with the one that started the previous evening (so Saturday
 * 03:00 uses the weekend window even if Friday's weekday window wrapped past midnight).
 * Throws RangeError for an unknown time zone.
 */
export function isChargingAllowed(schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, date: Date, timeZone?: string): boolean {
  return scheduleAllowsAt(schedule, timeZone ?? machineTimeZone(), date.getTime() / 1000);
}

// ---- typed times and windows (commands and the panel) ----

/** Validates HH:MM through the schedule module's parser. */
export function validateHHMM(input: string): string | undefined {
  try {
    parseHHMM(input.trim());
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A time of day as a test argument: minutes (0..1440) or "HH:MM". Throws a clear Error. */
export function toMinutes(v: number | string, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 1440) throw new Error(`${what}: ${v} is not a time of day (minutes 0 to 1440).`);
    return v;
  }
  const msg = validateHHMM(v);
  if (msg) throw new Error(`${what}: ${msg}`);
  return parseHHMM(v.trim());
}

export interface WindowInput {
  start: number | string;
  end: number | string;
  carReadyBy?: number | string;
}

/** A schedule window from minutes or HH:MM; car-ready-by optional (0, as the protocol's examples send). */
export function toWindow(w: WindowInput | undefined, day: 'weekday' | 'weekend'): ScheduleWindow {
  if (!w) throw new Error(`A custom schedule needs a ${day} window (start and end).`);
  const start = toMinutes(w.start, `${day} start`);
  const end = toMinutes(w.end, `${day} end`);
  if (start === end) throw new Error(`${day}: start and end are both ${minutesToHHMM(start)}; the window would be empty. Pick different times.`);
  const carReadyBy = w.carReadyBy === undefined || w.carReadyBy === '' ? 0 : toMinutes(w.carReadyBy, `${day} car ready by`);
  const win = { start, end, carReadyBy };
  const problems = validateWindow(win);
  if (problems.length) throw new Error(`${day}: ${problems.join('; ')}.`);
  return win;
}

/** "23:00 → 07:00 (overnight)" style text, for the confirmation summary. */
export function windowText(w: ScheduleWindow): string {
  const ready = w.carReadyBy ? `, car ready by ${minutesToHHMM(w.carReadyBy)}` : '';
  return `${describeWindow(w)}${ready}`;
}

/** Two schedules mean the same charging windows (the windows of a disabled schedule do not matter). */
export function sameSchedule(
  a: { type: string; weekday: ScheduleWindow; weekend: ScheduleWindow },
  b: { type: string; weekday: ScheduleWindow; weekend: ScheduleWindow },
): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'disabled') return true;
  const eq = (x: ScheduleWindow, y: ScheduleWindow) => x.start === y.start && x.end === y.end && x.carReadyBy === y.carReadyBy;
  return eq(a.weekday, b.weekday) && eq(a.weekend, b.weekend);
}

// ---- enforcement at an instant, in a zone (the servers, and whatever judges a charger's schedule) ----

/** A schedule's windows as far as enforcement reads them (the servers keep the wire's car_ready_by). */
export interface WindowTimes {
  start: number;
  end: number;
}
export interface ScheduleTimes {
  type: Schedule['type'];
  weekday: WindowTimes;
  weekend: WindowTimes;
}

/**
 * Whether the schedule allows charging at epoch second `atS` in the IANA `zone`: 'disabled' always;
 * 'custom' inside the window of the local day's type at the local minute (a wrapped window's early
 * morning is judged by that day's window, as isChargingAllowed does).
 */
export function scheduleAllowsAt(schedule: ScheduleTimes, zone: string, atS: number): boolean {
  if (schedule.type !== 'custom') return true;
  const lt = localTime(zone, atS);
  return isMinuteInWindow(lt.weekend ? schedule.weekend : schedule.weekday, lt.minuteOfDay);
}

/**
 * The epoch second at or after `fromS` when the schedule next allows charging, in the IANA `zone`:
 * `fromS` itself (whole) when it allows charging then; undefined without a custom schedule, or when
 * no window opens within a week (all empty). Allowed periods begin at a window's start, or at a
 * local midnight where the day type changes.
 */
export function nextAllowedAt(schedule: ScheduleTimes, zone: string, fromS: number): number | undefined {
  if (schedule.type !== 'custom') return undefined;
  if (scheduleAllowsAt(schedule, zone, fromS)) return Math.floor(fromS);
  const off = localTime(zone, fromS).offsetS;
  const midnight0 = Math.floor((fromS + off) / 86400) * 86400 - off;
  for (let d = 0; d <= 8; d++) {
    const midnight = midnight0 + d * 86400;
    const w = localTime(zone, midnight + 3600).weekend ? schedule.weekend : schedule.weekday;
    for (const c of [midnight, midnight + w.start * 60].sort((x, y) => x - y)) {
      if (c >= fromS && scheduleAllowsAt(schedule, zone, c) && !scheduleAllowsAt(schedule, zone, c - 60)) return c;
    }
  }
  return undefined;
}
