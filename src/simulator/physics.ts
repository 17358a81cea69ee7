// The simulator's charging physics on a virtual clock: cars plugging in and out, current within
// the limit, rating and schedule, energy integrated minute by minute, the seeded past sessions,
// and get_state as a real unit would report it. Pure functions of a unit; no HTTP, no accounts.
//
// Time advances lazily per unit: a unit is simulated up to "now" only when something looks at
// it (a request, a snapshot). Charging is integrated on a grid of whole virtual minutes; the
// noise of a minute (voltage, frequency, temperature) is a stateless hash of (unit, minute), and
// each unit's cars come from its own event stream, so the outcome does not depend on how often
// or in which order units are looked at: a seed and a start time reproduce a run.
import { MIN_AMPS } from '../domain/amps';
import { MINUTES_PER_DAY, scheduleAllowsAt } from '../domain/schedule';
import { localTime } from '../domain/time-zone';
import { ratingAmps, savingsPerWh, unitZone } from '../server/rules';
import type { SessionRecord, UnitSettings } from '../server/types';
import { renderStateReply, type StateReply, type UnitReading } from '../server/state-reply';
import type { PluggedCar } from './model';
import { Prng, childSeed, hashUnit } from './prng';
import { yearOfHistory } from './year-history';

/** A unit that hasn't checked in for this many update intervals is reported as `disconnect`. */
export const DISCONNECT_AFTER_INTERVALS = 3;
/** Battery-full taper: the current falls over the last part of a session. */
const TAPER_WH = 1500;

/** A simulated unit: the owner's settings plus the physical truth. */
export interface SimUnit extends UnitSettings {
  index: number;
  unitId: string;
  seed: number;
  /** The simulator's seed (the seeded past is drawn from it). */
  worldSeed: number;
  /** Energy request for the next plug-in from set_override while no car was plugged. */
  pendingEnergyToAddWh?: number;
  pendingEnergyAtPluginWh?: number;
  updateIntervalS: number;
  pingPhaseS: number;
  /** Simulated up to this virtual time. */
  t: number;
  car: PluggedCar | null;
  lastCarId: number;
  plugUnplugTime: number;
  lifetimeWh: number;
  lifetimeSavingsCents: number;
  nextEventS: number;
  events: Prng;
  nextSessionSeq: number;
  /** Days of seeded history with seasons and weekday habits (year-history.ts); 0: the short default past. */
  historyDays: number;
  /** Finished sessions, oldest first; undefined until first needed (seeded lazily). */
  history?: SessionRecord[];
  historyEndS: number;
  offlineManual: boolean;
  offlineFault: boolean;
  offlineSinceS?: number;
  /** get_state as the unit last reported it before it stopped checking in. */
  frozen?: StateReply;
  error: boolean;
}

type Status = {
  state: 'standby' | 'plugged' | 'charging' | 'error';
  /** Why not charging, when plugged: 'waiting' (ToU / charging-time hold), 'off' (limit 0), 'full'. */
  reason?: 'waiting' | 'off' | 'full';
  overrideActive: boolean;
};

function zone(u: SimUnit): string {
  return unitZone(u.info);
}

function nextMinute(t: number): number {
  return (Math.floor(t / 60) + 1) * 60;
}

export function carInfo(u: SimUnit): { carId: number; batteryWh: number; rateW: number } {
  const cars = Array.isArray(u.info.cars) ? (u.info.cars as Record<string, unknown>[]) : [];
  const c = cars[0] ?? {};
  const n = (v: unknown, f: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : f);
  return { carId: n(c.car_id, u.lastCarId), batteryWh: n(c.battery_size_wh, 60000), rateW: n(c.charging_rate_w, 7200) };
}

export function status(u: SimUnit, atS: number): Status {
  const overrideActive = u.overrideTime > 0 && u.overrideTime <= atS;
  if (!u.car) return { state: u.error ? 'error' : 'standby', overrideActive };
  if (u.error) return { state: 'error', overrideActive };
  if (u.car.full) return { state: 'plugged', reason: 'full', overrideActive };
  if (u.ampsLimit <= 0) return { state: 'plugged', reason: 'off', overrideActive };
  if (overrideActive) return { state: 'charging', overrideActive };
  if (u.chargingTime > atS) return { state: 'plugged', reason: 'waiting', overrideActive };
  if (!scheduleAllowsAt(u.schedule, zone(u), atS)) return { state: 'plugged', reason: 'waiting', overrideActive };
  return { state: 'charging', overrideActive };
}

/** Voltage (V) and current (A) while charging in the minute that holds `atS`. */
export function electrics(u: SimUnit, atS: number): { volts: number; amps: number } {
  const minute = Math.floor(atS / 60);
  const car = u.car!;
  const maxAmps = Math.max(0, Math.min(u.ampsLimit, ratingAmps(u.info), Math.floor(carInfo(u).rateW / 240)));
  const remaining = car.energyToAddWh - car.sessionWh;
  let amps = maxAmps;
  if (remaining < TAPER_WH) amps = Math.max(Math.min(MIN_AMPS, maxAmps), Math.round((maxAmps * remaining) / TAPER_WH));
  const volts = 240 + Math.round((hashUnit(u.seed, minute, 1) - 0.5) * 6) - Math.round(amps / 16);
  return { volts, amps: Math.max(0, amps) };
}

/** Simulates a unit up to `to` (virtual epoch seconds). */
export function advanceUnit(u: SimUnit, to: number): void {
  let guard = 0;
  while (u.t < to) {
    if (++guard > 5_000_000) throw new Error('simulator: runaway time step');
    if (u.nextEventS <= u.t) {
      fireEvent(u);
      continue;
    }
    const a = u.t;
    let b = Math.min(to, u.nextEventS);
    const st = status(u, a);
    if (st.state === 'charging') {
      b = Math.min(b, nextMinute(a));
      const car = u.car!;
      const { volts, amps } = electrics(u, a);
      const powerW = volts * amps;
      let dt = b - a;
      let e = (powerW * dt) / 3600;
      const remaining = car.energyToAddWh - car.sessionWh;
      if (powerW > 0 && e >= remaining) {
        e = Math.max(0, remaining);
        dt = (e * 3600) / powerW;
        b = a + dt;
        car.full = true;
        // The override ends with the charge it asked for.
        if (st.overrideActive) u.overrideTime = 0;
      }
      if (e > 0) accumulate(u, car, a, b, e);
    } else if (st.reason === 'waiting') {
      // Charging may start at the next minute (ToU window) or when a hold / override time arrives.
      b = Math.min(b, nextMinute(a));
      if (u.overrideTime > a) b = Math.min(b, u.overrideTime);
      if (u.chargingTime > a) b = Math.min(b, u.chargingTime);
    } else if (u.overrideTime > a) {
      b = Math.min(b, u.overrideTime);
    }
    u.t = Math.max(b, a + 1e-9);
  }
}

export function accumulate(u: SimUnit, car: PluggedCar, a: number, b: number, e: number): void {
  const saved = e * savingsPerWh(u.info);
  car.sessionWh += e;
  car.sessionSavingsCents += saved;
  car.secondsCharging += b - a;
  u.lifetimeWh += e;
  u.lifetimeSavingsCents += saved;
  const last = car.intervals[car.intervals.length - 1];
  if (last && Math.abs(last[1] - a) < 1e-6) {
    last[1] = b;
    last[2] += e;
  } else {
    car.intervals.push([a, b, e]);
  }
}

export function fireEvent(u: SimUnit): void {
  const at = u.nextEventS;
  if (u.car) {
    finishSession(u, at);
    u.nextEventS = at + u.events.int(2 * 3600, 14 * 3600);
  } else {
    plug(u, at);
    u.nextEventS = at + u.events.int(5 * 3600, 15 * 3600);
  }
  u.t = Math.max(u.t, at);
}

export function plug(u: SimUnit, at: number, energyToAddWh?: number, energyAtPluginWh?: number): void {
  const ci = carInfo(u);
  const need = energyToAddWh ?? u.pendingEnergyToAddWh ?? Math.min(Math.round(ci.batteryWh * 0.9), u.events.int(4000, 40000));
  const atPlugin = energyAtPluginWh ?? u.pendingEnergyAtPluginWh ?? Math.round(ci.batteryWh * u.events.range(0.1, 0.6));
  u.pendingEnergyToAddWh = undefined;
  u.pendingEnergyAtPluginWh = undefined;
  u.car = {
    carId: ci.carId,
    plugTimeS: at,
    energyAtPluginWh: atPlugin,
    energyToAddWh: Math.max(0, need),
    full: need <= 0,
    sessionId: (u.index + 1) * 100_000 + u.nextSessionSeq++,
    sessionWh: 0,
    sessionSavingsCents: 0,
    secondsCharging: 0,
    intervals: [],
  };
  u.lastCarId = ci.carId;
  u.plugUnplugTime = Math.floor(at);
}

export function finishSession(u: SimUnit, at: number): void {
  const car = u.car;
  if (!car) return;
  if (car.sessionWh > 0) {
    ensureHistory(u).push({
      id: car.sessionId,
      timeStart: Math.floor(car.plugTimeS),
      timeEnd: Math.floor(at),
      durationS: Math.round(car.secondsCharging),
      energyWh: Math.round(car.sessionWh),
      savingsCents: Math.round(car.sessionSavingsCents),
      intervals: car.intervals,
    });
  }
  u.car = null;
  u.overrideTime = 0;
  u.plugUnplugTime = Math.floor(at);
}

/** The seeded past: 30-60 sessions over the weeks before the simulation starts. */
export function ensureHistory(u: SimUnit): SessionRecord[] {
  if (u.history) return u.history;
  if (u.historyDays) return (u.history = seedYearOfHistory(u, u.historyDays));
  const r = new Prng(childSeed(u.worldSeed, u.index, 4));
  const count = r.int(30, 60);
  const out: SessionRecord[] = [];
  let cursor = u.historyEndS;
  const maxW = Math.min(ratingAmps(u.info), Math.floor(carInfo(u).rateW / 240)) * 240;
  const perWh = savingsPerWh(u.info);
  for (let i = count - 1; i >= 0; i--) {
    const end = cursor - r.int(2 * 3600, 26 * 3600);
    const plugged = r.int(3 * 3600, 14 * 3600);
    const start = end - plugged;
    const wait = r.chance(0.4) ? r.int(0, Math.floor(plugged / 2)) : 0;
    const powerW = Math.max(1440, Math.round(maxW * r.range(0.75, 1)));
    let energyWh = r.int(3000, 30000);
    let dur = Math.round((energyWh * 3600) / powerW);
    if (wait + dur > plugged) {
      dur = plugged - wait;
      energyWh = Math.round((powerW * dur) / 3600);
    }
    const cs = start + wait;
    // Sessions without an id exist in the protocol's own example; the simulator always gives one.
    out.push({
      id: (u.index + 1) * 100_000 + i,
      timeStart: start,
      timeEnd: end,
      durationS: dur,
      energyWh,
      savingsCents: Math.round(energyWh * perWh),
      intervals: [[cs, cs + dur, energyWh]],
    });
    cursor = start;
  }
  out.reverse();
  u.history = out;
  return out;
}

/** A year (or `days`) of believable sessions: weekday commutes, weekend trips, seasons. */
function seedYearOfHistory(u: SimUnit, days: number): SessionRecord[] {
  const whPerMile = typeof u.info.whpermile === 'number' && u.info.whpermile > 0 ? u.info.whpermile : 300;
  return yearOfHistory({
    seed: childSeed(u.worldSeed, u.index, 5),
    idBase: (u.index + 1) * 100_000,
    endS: u.historyEndS,
    days,
    zone: zone(u),
    maxPowerW: Math.min(ratingAmps(u.info), Math.floor(carInfo(u).rateW / 240)) * 240,
    batteryWh: carInfo(u).batteryWh,
    whPerMile: Math.max(1, whPerMile),
    savingsPerWh: savingsPerWh(u.info),
    windowStartMin: u.schedule.type === 'custom' ? u.schedule.weekday.start : undefined,
  });
}

// ---------------------------------------------------------------- reporting

export function lastPingS(u: SimUnit, now: number): number {
  const ref = isOffline(u) && u.offlineSinceS !== undefined ? u.offlineSinceS : now;
  const k = Math.floor((ref - u.pingPhaseS) / u.updateIntervalS);
  return k * u.updateIntervalS + u.pingPhaseS;
}

export function isOffline(u: SimUnit): boolean {
  return u.offlineManual || u.offlineFault;
}

/** What the unit reports at `now` (it has been advanced to now), for get_state's one renderer. */
export function readUnit(u: SimUnit, now: number): UnitReading {
  const st = status(u, now);
  const car = u.car;
  const minute = Math.floor(now / 60);
  let amps = 0;
  let volts = 240 + Math.round((hashUnit(u.seed, minute, 1) - 0.5) * 6);
  if (st.state === 'charging' && car) ({ volts, amps } = electrics(u, now));
  const powerW = volts * amps;
  const remainingWh = car && !car.full ? Math.max(0, car.energyToAddWh - car.sessionWh) : 0;
  const expectedW = powerW > 0 ? powerW : Math.min(u.ampsLimit, ratingAmps(u.info), Math.floor(carInfo(u).rateW / 240)) * 240;
  const baseFreq = u.info.country_code === undefined || u.info.country_code === 'US' ? 6000 : 5000;
  const ambient = 18 + 6 * Math.sin(((localTime(zone(u), now).minuteOfDay - 540) / MINUTES_PER_DAY) * 2 * Math.PI);
  return {
    unitId: u.unitId,
    infoTimestamp: u.infoTimestamp,
    state: st.state,
    showOverride: st.overrideActive || (st.state === 'plugged' && st.reason === 'waiting'),
    waiting: st.reason === 'waiting',
    blocking: st.reason === 'off' ? 'off' : st.reason === 'waiting' ? 'schedule' : undefined,
    ampsLimit: u.ampsLimit,
    ampsCurrent: amps,
    voltageV: volts,
    powerW,
    sessionWh: car ? car.sessionWh : 0,
    sessionSavingsCents: car ? car.sessionSavingsCents : 0,
    secondsCharging: car ? car.secondsCharging : 0,
    energyAtPluginWh: car ? car.energyAtPluginWh : 0,
    energyToAddWh: car ? car.energyToAddWh : 0,
    lifetimeWh: u.lifetimeWh,
    lifetimeSavingsCents: u.lifetimeSavingsCents,
    chargingTimeLeftS: remainingWh > 0 && expectedW > 0 ? Math.round((remainingWh * 3600) / expectedW) : 0,
    plugUnplugTime: u.plugUnplugTime,
    overrideTime: u.overrideTime,
    chargingTime: u.chargingTime,
    schedule: u.schedule,
    zone: zone(u),
    timeLastPing: lastPingS(u, now),
    updateIntervalS: u.updateIntervalS,
    temperatureC: ambient + amps / 6 + (hashUnit(u.seed, Math.floor(minute / 5), 3) - 0.5) * 2,
    frequencyHz: (baseFreq + Math.round((hashUnit(u.seed, minute, 2) - 0.5) * 4)) / 100,
    carId: car ? car.carId : u.lastCarId,
  };
}

/** get_state's reply for a unit at `now` (the unit has been advanced to now). */
export function renderState(u: SimUnit, now: number): StateReply {
  return renderStateReply(readUnit(u, now), now);
}

/** What get_state answers: live, or frozen at the last check-in while offline. */
export function reportedState(u: SimUnit, now: number): StateReply {
  if (!isOffline(u) || !u.frozen) return renderState(u, now);
  const lastPing = lastPingS(u, now);
  const copy = structuredClone(u.frozen);
  copy.utc_time = Math.floor(now);
  copy.unit_time = Math.floor(now) + localTime(zone(u), now).offsetS;
  copy.time_last_ping = lastPing;
  copy.info_timestamp = u.infoTimestamp;
  if (now - lastPing > DISCONNECT_AFTER_INTERVALS * u.updateIntervalS) copy.state = 'disconnect';
  return copy;
}
