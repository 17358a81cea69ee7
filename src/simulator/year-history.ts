// A year of believable charging history for one simulated charger: the car is driven on weekdays
// (a commute) and less regularly at weekends, plugged in when it comes home and unplugged in the
// morning; winter needs more energy per mile than summer; a charger on a time-of-use schedule
// starts charging when its window opens. Deterministic for a seed. Pure (no server state).
import type { ChargeInterval, SessionRecord } from '../server/types';
import { Prng } from './prng';
import { instantOfLocal, localDayNumber, weekdayOfDay, ymdOfDay, dayOfYmd } from '../domain/time-zone';

export interface YearHistoryInput {
  seed: number;
  /** Session ids are idBase + 0, 1, 2 … oldest first. */
  idBase: number;
  /** Every session ends before this instant (epoch seconds). */
  endS: number;
  /** How many days back from endS. */
  days: number;
  /** IANA zone of the charger. */
  zone: string;
  /** Power the car charges at (W), the charger's and car's limits applied. */
  maxPowerW: number;
  batteryWh: number;
  whPerMile: number;
  savingsPerWh: number;
  /** Minute of the day charging may start (a time-of-use schedule's window), or undefined. */
  windowStartMin?: number;
}

/** Energy per mile relative to the yearly mean: about +25 % in mid-January, −15 % in mid-July. */
export function seasonFactor(month: number, day: number): number {
  const dayOfYear = (month - 1) * 30.4 + day;
  return 1.05 + 0.2 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365);
}

/** Sessions, oldest first, with their charging intervals (a full-power part and a taper). */
export function yearOfHistory(o: YearHistoryInput): SessionRecord[] {
  const r = new Prng(o.seed);
  const out: SessionRecord[] = [];
  const lastDay = localDayNumber(o.zone, o.endS) - 1;
  const firstDay = lastDay - o.days + 1;
  let milesSinceCharge = r.range(20, 80);
  let freeAt = -Infinity;
  // Weekday commute and weekend habit of this household.
  const commuteMiles = r.range(18, 45);
  const weekendTripChance = r.range(0.3, 0.6);
  for (let day = firstDay; day <= lastDay; day++) {
    const wd = weekdayOfDay(day);
    const weekend = wd === 0 || wd === 6;
    const { year, month, day: dom } = ymdOfDay(day);
    // Driving today.
    const away = r.chance(0.04); // holidays: the car stays away
    if (away) continue;
    milesSinceCharge += weekend ? (r.chance(weekendTripChance) ? r.range(15, 120) : r.range(0, 10)) : commuteMiles * r.range(0.8, 1.25);
    // Plug in tonight? Most weekday evenings; at weekends when the battery wants it.
    const needWh = milesSinceCharge * o.whPerMile * seasonFactor(month, dom);
    const plugChance = weekend ? (needWh > o.batteryWh * 0.3 ? 0.7 : 0.2) : needWh > o.batteryWh * 0.15 ? 0.85 : 0.45;
    if (!r.chance(plugChance)) continue;
    const arriveMin = weekend ? r.int(11 * 60, 20 * 60) : Math.round(17.5 * 60 + (r.next() + r.next() - 1) * 75);
    const leaveMin = weekend && r.chance(0.5) ? arriveMin + r.int(120, 300) : 24 * 60 + r.int(6 * 60 + 30, 8 * 60 + 30);
    const midnight = dayOfYmd(year, month, dom) * 86400;
    const plugS = instantOfLocal(o.zone, midnight + arriveMin * 60);
    const unplugS = instantOfLocal(o.zone, midnight + leaveMin * 60);
    if (plugS <= freeAt || unplugS >= o.endS || unplugS <= plugS) continue;
    let startS = plugS;
    if (o.windowStartMin !== undefined) {
      const open = instantOfLocal(o.zone, midnight + (o.windowStartMin < arriveMin ? o.windowStartMin + 1440 : o.windowStartMin) * 60);
      if (open > startS) startS = open;
    }
    const powerW = Math.round(o.maxPowerW * r.range(0.88, 1));
    let energyWh = Math.min(needWh, o.batteryWh * 0.9);
    const available = unplugS - startS;
    if (available <= 600) continue;
    // 90 % at full power, the last 10 % at about half power (the battery tapers).
    let fullS = (energyWh * 0.9 * 3600) / powerW;
    let taperS = (energyWh * 0.1 * 3600) / (powerW * 0.5);
    if (fullS + taperS > available) {
      const scale = available / (fullS + taperS);
      fullS *= scale;
      taperS *= scale;
      energyWh *= scale;
    }
    energyWh = Math.round(energyWh);
    if (energyWh < 500) continue;
    const a = Math.round(startS);
    const b = Math.round(startS + fullS);
    const c = Math.max(b + 1, Math.round(startS + fullS + taperS));
    const fullWh = Math.round(energyWh * 0.9);
    const intervals: ChargeInterval[] = [
      [a, b, fullWh],
      [b, c, energyWh - fullWh],
    ];
    out.push({
      id: o.idBase + out.length,
      timeStart: Math.round(plugS),
      timeEnd: Math.round(unplugS),
      durationS: c - a,
      energyWh,
      savingsCents: Math.round(energyWh * o.savingsPerWh),
      intervals,
    });
    milesSinceCharge = Math.max(0, milesSinceCharge - energyWh / (o.whPerMile * seasonFactor(month, dom)));
    freeAt = unplugS;
  }
  return out;
}
