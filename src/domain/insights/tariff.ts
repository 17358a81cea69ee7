// Electricity prices: the charger's own flat price (get_info's ecost, US cents per kWh) or a
// time-of-use tariff from the settings (prices per time window, weekday and weekend), and the cost
// of power samples under it. Pure: used by the extension host, the webview and the tests.
//
// The time-of-use rules, in the charger's local time:
//  - each day type (weekday = Monday to Friday, weekend = Saturday and Sunday) lists windows that
//    together cover its 24 hours exactly once; "to" is exclusive and may be 24:00;
//  - a window whose "to" is earlier than its "from" wraps midnight, inside the same day type:
//    22:00-06:00 on weekdays prices 00:00-06:00 and 22:00-24:00 of every weekday;
//  - a sample is priced by the calendar day it falls on; on clock-change days the local clock
//    decides (a 02:00 boundary on the day clocks go forward simply does not occur that day).
import { OFFSET_STEP_S, weekdayOfDay, zoneOffsetS } from '../time-zone';
import { minutesToHHMM, parseHHMM } from '../schedule';

/** One price window as typed in the settings: "HH:MM" times, a price in US cents per kWh. */
export interface TariffWindowSetting {
  from?: unknown;
  to?: unknown;
  centsPerKwh?: unknown;
}

/** The juicenet.tariff settings, as read (anything the user typed). */
export interface TariffSetting {
  mode?: unknown;
  weekday?: unknown;
  weekend?: unknown;
}

export type DayType = 'weekday' | 'weekend';

/** A validated window: minutes of the day, [fromMin, toMin) with toMin <= fromMin wrapping midnight. */
export interface PriceWindow {
  fromMin: number;
  toMin: number;
  centsPerKwh: number;
}

/** A validated time-of-use tariff: per day type, non-overlapping segments covering 0..1440 in order. */
export interface TimeOfUseTariff {
  kind: 'timeOfUse';
  weekday: PriceWindow[];
  weekend: PriceWindow[];
  /** Per day type, sorted [startMin, endMin, centsPerKwh] segments covering the day (wraps split). */
  segments: Record<DayType, [number, number, number][]>;
}

/** The charger's own price (get_info's ecost) for every kWh. */
export interface FlatTariff {
  kind: 'flat';
  centsPerKwh: number;
}

export type Tariff = FlatTariff | TimeOfUseTariff;

export type TariffParse = { ok: true; mode: 'charger' } | { ok: true; mode: 'timeOfUse'; tariff: TimeOfUseTariff } | { ok: false; errors: string[] };

/** "HH:MM" of minutes of the day (1440 -> "24:00"). */
export const hhmm = minutesToHHMM;

function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    return parseHHMM(v);
  } catch {
    return undefined;
  }
}

/** A window's minutes as segments inside 0..1440 (a wrapping window gives two). */
function spans(w: PriceWindow): [number, number][] {
  if (w.fromMin < w.toMin) return [[w.fromMin, w.toMin]];
  const out: [number, number][] = [];
  if (w.fromMin < 1440) out.push([w.fromMin, 1440]);
  if (w.toMin > 0) out.push([0, w.toMin]);
  return out;
}

function describe(day: DayType, i: number, w: PriceWindow): string {
  return `${day === 'weekday' ? 'Weekday' : 'Weekend'} window ${i + 1} (${hhmm(w.fromMin)}–${hhmm(w.toMin)})`;
}

/** Validates one day type's windows; pushes clear messages to `errors`. */
function parseDay(day: DayType, raw: unknown, errors: string[]): PriceWindow[] | undefined {
  const label = day === 'weekday' ? 'Weekday' : 'Weekend';
  if (!Array.isArray(raw) || raw.length === 0) {
    errors.push(`${label} prices: add at least one window (for one price all day: from 00:00 to 24:00).`);
    return undefined;
  }
  const windows: PriceWindow[] = [];
  let bad = false;
  raw.forEach((item: unknown, i) => {
    const o = (item && typeof item === 'object' ? item : {}) as TariffWindowSetting;
    const where = `${label} window ${i + 1}`;
    const fromMin = parseTime(o.from);
    const toMin = parseTime(o.to);
    const price = o.centsPerKwh;
    if (fromMin === undefined || fromMin === 1440) {
      errors.push(`${where}: "from" must be a time from 00:00 to 23:59 (got ${JSON.stringify(o.from ?? null)}).`);
      bad = true;
    }
    if (toMin === undefined) {
      errors.push(`${where}: "to" must be a time from 00:00 to 24:00 (got ${JSON.stringify(o.to ?? null)}).`);
      bad = true;
    }
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > 10_000) {
      errors.push(`${where}: the price must be a number of cents per kWh, 0 or more (got ${JSON.stringify(price ?? null)}).`);
      bad = true;
    }
    if (fromMin !== undefined && toMin !== undefined && fromMin === toMin) {
      errors.push(`${where}: "from" and "to" are the same time, so it covers nothing (for the whole day use 00:00 to 24:00).`);
      bad = true;
    }
    if (!bad && fromMin !== undefined && toMin !== undefined && typeof price === 'number')
      windows.push({ fromMin, toMin: toMin === 0 ? 1440 : toMin, centsPerKwh: price });
  });
  if (bad) return undefined;
  // Overlaps, named by both windows and the time they share.
  for (let i = 0; i < windows.length; i++) {
    for (let j = i + 1; j < windows.length; j++) {
      for (const [a0, a1] of spans(windows[i])) {
        for (const [b0, b1] of spans(windows[j])) {
          const s = Math.max(a0, b0);
          const e = Math.min(a1, b1);
          if (s < e)
            errors.push(
              `${describe(day, i, windows[i])} overlaps ${describe(day, j, windows[j])} from ${hhmm(s)} to ${hhmm(e)}: each time of day needs exactly one price.`,
            );
        }
      }
    }
  }
  // Gaps: minutes of the day without a price.
  const covered = spansSorted(windows);
  let at = 0;
  for (const [s, e] of covered) {
    if (s > at) errors.push(`${label} prices: no price from ${hhmm(at)} to ${hhmm(s)}. Add a window for that time.`);
    at = Math.max(at, e);
  }
  if (at < 1440) errors.push(`${label} prices: no price from ${hhmm(at)} to 24:00. Add a window for that time.`);
  return windows;
}

function spansSorted(windows: PriceWindow[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const w of windows) for (const [s, e] of spans(w)) out.push([s, e, w.centsPerKwh]);
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * The juicenet.tariff settings -> the tariff to apply, or every problem in words. The mode
 * "charger" (default) uses each charger's own price; "timeOfUse" needs valid weekday and weekend
 * windows.
 */
export function parseTariffSetting(s: TariffSetting): TariffParse {
  const mode = s.mode ?? 'charger';
  if (mode === 'charger') return { ok: true, mode: 'charger' };
  if (mode !== 'timeOfUse') return { ok: false, errors: [`Tariff: unknown mode ${JSON.stringify(mode)}; use "charger" or "timeOfUse".`] };
  const errors: string[] = [];
  const weekday = parseDay('weekday', s.weekday, errors);
  const weekend = parseDay('weekend', s.weekend, errors);
  if (errors.length > 0 || !weekday || !weekend) return { ok: false, errors };
  return { ok: true, mode: 'timeOfUse', tariff: makeTimeOfUse(weekday, weekend) };
}

/** The problems of a tariff setting in one notification: the first few, and what follows from them. */
export function tariffProblemsMessage(errors: readonly string[]): string {
  const shown = errors.slice(0, 3).join(' ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `The time-of-use tariff in the settings cannot be used: ${shown}${more} Costs stay unknown until it is fixed.`;
}

/** A time-of-use tariff from windows already known to be valid (the tests build them directly). */
export function makeTimeOfUse(weekday: PriceWindow[], weekend: PriceWindow[]): TimeOfUseTariff {
  return { kind: 'timeOfUse', weekday, weekend, segments: { weekday: spansSorted(weekday), weekend: spansSorted(weekend) } };
}

/** The price at an instant, with the local minute at which it next changes (for per-interval costing). */
export function priceAt(t: TimeOfUseTariff, zone: string, epochS: number): { centsPerKwh: number; untilS: number } {
  const off = zoneOffsetS(zone, epochS);
  const local = epochS + off;
  const day = Math.floor(local / 86400);
  const wd = weekdayOfDay(day);
  const segs = t.segments[wd === 0 || wd === 6 ? 'weekend' : 'weekday'];
  const minute = (local - day * 86400) / 60;
  let seg = segs[segs.length - 1];
  for (const s of segs) {
    if (minute >= s[0] && minute < s[1]) {
      seg = s;
      break;
    }
  }
  // The local end of the segment, as an instant under the current offset; a clock change before
  // that is found by the caller (the offset differs there).
  return { centsPerKwh: seg[2], untilS: epochS + (day * 86400 + seg[1] * 60 - local) };
}

/**
 * The cost in cents of drawing `powerW` from `startS` to `endS` under a time-of-use tariff in a
 * zone: split at every price boundary and at clock changes, each piece at its own price.
 */
export function costOfConstantPower(t: TimeOfUseTariff, zone: string, startS: number, endS: number, powerW: number): number {
  if (!(endS > startS) || !(powerW > 0)) return 0;
  let cents = 0;
  let at = startS;
  let guard = 0;
  while (at < endS && guard++ < 100_000) {
    const { centsPerKwh, untilS } = priceAt(t, zone, at);
    let next = Math.min(endS, untilS);
    const off = zoneOffsetS(zone, at);
    if (zoneOffsetS(zone, next - 1e-6) !== off) {
      // A clock change before the boundary: stop where the offset changes (on a quarter hour of
      // UTC) and look the price up again under the new offset.
      let q = Math.floor(at / OFFSET_STEP_S) + 1;
      while (q * OFFSET_STEP_S < next && zoneOffsetS(zone, q * OFFSET_STEP_S) === off) q++;
      next = Math.min(next, q * OFFSET_STEP_S);
    }
    if (!(next > at)) next = Math.min(endS, at + 60);
    cents += ((powerW * (next - at)) / 3_600_000) * centsPerKwh;
    at = next;
  }
  return cents;
}

/** Power samples of one session, as kept in the history cache: sample i is w[i] watts over [t0 + i·stepS, t0 + (i+1)·stepS). */
export interface PowerSamples {
  t0: number;
  stepS: number;
  w: number[];
}

/** Energy of power samples, in Wh. */
export function samplesEnergyWh(p: PowerSamples): number {
  let ws = 0;
  for (const w of p.w) if (w > 0) ws += w * p.stepS;
  return ws / 3600;
}

/** Cost in cents of power samples under a time-of-use tariff (each sample split at price boundaries). */
export function costOfSamples(t: TimeOfUseTariff, zone: string, p: PowerSamples): number {
  let cents = 0;
  for (let i = 0; i < p.w.length; i++) {
    const w = p.w[i];
    if (w > 0) cents += costOfConstantPower(t, zone, p.t0 + i * p.stepS, p.t0 + (i + 1) * p.stepS, w);
  }
  return cents;
}

/**
 * get_plot's points (t = start of each interval, v = its mean power in W, equal intervals) ->
 * samples for the cache. The last interval ends at the session's end when known.
 */
export function samplesFromPlot(points: readonly { t: number; v: number }[], sessionEndS?: number): PowerSamples | undefined {
  if (points.length === 0) return undefined;
  const sorted = [...points].sort((a, b) => a.t - b.t);
  let stepS: number;
  if (sorted.length >= 2) stepS = (sorted[sorted.length - 1].t - sorted[0].t) / (sorted.length - 1);
  else stepS = sessionEndS !== undefined ? sessionEndS - sorted[0].t : 0;
  if (!(stepS > 0) || !Number.isFinite(stepS)) return undefined;
  return { t0: sorted[0].t, stepS, w: sorted.map((p) => (Number.isFinite(p.v) ? Math.max(0, Math.round(p.v)) : 0)) };
}

/** The tariff in words, for "how this was computed". */
export function describeTariff(t: Tariff): string {
  if (t.kind === 'flat') return `the charger's own electricity price, ${fmtPrice(t.centsPerKwh)} per kWh`;
  const day = (ws: PriceWindow[]) => ws.map((w) => `${hhmm(w.fromMin)}–${hhmm(w.toMin)} ${fmtPrice(w.centsPerKwh)}`).join(', ');
  return `the time-of-use tariff from the settings (weekdays ${day(t.weekday)}; weekends ${day(t.weekend)}; per kWh, in the charger's local time)`;
}

function fmtPrice(cents: number): string {
  return `${Math.round(cents * 100) / 100}¢`;
}
