// The simulator's engine: accounts, units, charging physics on a virtual clock, and the 16
// commands. No HTTP here (see index.ts), so the engine is also usable directly.
//
// Time advances lazily per unit: a unit is simulated up to "now" only when something looks at
// it (a request, a snapshot). Charging is integrated on a grid of whole virtual minutes; the
// noise of a minute (voltage, frequency, temperature) is a stateless hash of (unit, minute), and
// each unit's cars come from its own event stream, so the outcome does not depend on how often
// or in which order units are looked at: a seed and a start time reproduce a run.
import { BOX_API_COMMANDS, BOX_PIN_COMMANDS, MAX_PLOT_INTERVALS, MIN_PLOT_INTERVALS, NOTIFICATION_EVENTS, NOTIFICATION_WIRE_KEYS } from '../api/types';
import { normaliseKeys } from '../api/wire';
import { Prng, childSeed, hashUnit } from './prng';
import { localTime, toIanaZone } from './timezone';
import { yearOfHistory } from './year-history';
import {
  AccountUnitEntry,
  ChargeInterval,
  PluggedCar,
  SessionRecord,
  SimSchedule,
  SimUnitSnapshot,
  WireNotification,
  WireWindow,
} from './model';
import { SimCommand, SimRequest, validateRequest } from './requests';

/** A command failed in a way the protocol reports with success:false. */
export class SimError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A reply: HTTP status and JSON body. `applied` tells whether a write changed state. */
export interface EngineReply {
  status: number;
  body: Record<string, unknown>;
}

export interface EngineOptions {
  seed: number;
  startTime: number;
  units: number;
  spareUnits: number;
  accountToken?: string;
  autoPlug: boolean;
  historyPageSize: number;
  /** Days of seeded history (0: the short default past). */
  historyDays?: number;
  /** Virtual seconds per real second, for the share PIN's lifetime (15 real minutes). */
  speed: number;
  now: () => number;
}

const UNIT_NAMES = ['Garage', 'Driveway', 'Carport', 'Side Yard', 'Workshop', 'Office Lot', 'Barn', 'Visitor Bay', 'Cottage', 'North Gate'];
const ZONES = ['Pacific Standard Time', 'Pacific Standard Time', 'Mountain Standard Time', 'Central Standard Time', 'Eastern Standard Time'];
const CARS = [
  { description: '2017 Chevrolet Bolt', make: 'Chevrolet', model: 'Bolt', year: 2017, modelId: '37066', batteryWh: 60000, rangeM: 383023, rateW: 7200 },
  { description: '2016 Volkswagen e-Golf', make: 'Volkswagen', model: 'e-Golf', year: 2016, modelId: '36834', batteryWh: 24200, rangeM: 133575, rateW: 7200 },
  { description: '2019 Tesla Model 3', make: 'Tesla', model: 'Model 3', year: 2019, modelId: '39120', batteryWh: 75000, rangeM: 499000, rateW: 11500 },
  { description: '2018 Nissan Leaf', make: 'Nissan', model: 'Leaf', year: 2018, modelId: '38044', batteryWh: 40000, rangeM: 241000, rateW: 6600 },
  { description: '2021 Ford Mustang Mach-E', make: 'Ford', model: 'Mustang Mach-E', year: 2021, modelId: '41210', batteryWh: 88000, rangeM: 437000, rateW: 10500 },
];
const RATINGS: [number, number][] = [
  [40, 32],
  [50, 40],
  [60, 48],
  [60, 32],
];
/**
 * Notification events by lower-cased name: the document's tables write "start_Charging" and
 * "charging_delayed_due_to_toU" where its examples have "start_charging" and "..._ToU".
 */
const NOTIFICATION_EVENT_BY_LOWER = new Map<string, string>(NOTIFICATION_EVENTS.map((e) => [e.toLowerCase(), e]));
/** Minutes of the day: 0..1440. */
const MINUTES_PER_DAY = 1440;
/** A unit that hasn't checked in for this many update intervals is reported as `disconnect`. */
export const DISCONNECT_AFTER_INTERVALS = 3;
/** Battery-full taper: the current falls over the last part of a session. */
const TAPER_WH = 1500;
const MIN_AMPS = 6;
/** Share PIN: 15 real minutes, single use, a few wrong tries. */
const PIN_REAL_TTL_S = 900;
const PIN_MAX_WRONG = 5;

interface Account {
  token: string;
  /** unitId -> this account's token for it. */
  unitTokens: Map<string, string>;
}

interface SimUnit {
  index: number;
  unitId: string;
  seed: number;
  info: Record<string, unknown>;
  infoTimestamp: number;
  ampsLimit: number;
  schedule: SimSchedule;
  notifications: Record<string, WireNotification>;
  overrideTime: number;
  chargingTime: number;
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
  lifetimeCo2Nonstop: number;
  lifetimeCo2Actual: number;
  nextEventS: number;
  events: Prng;
  nextSessionSeq: number;
  /** Finished sessions, oldest first; undefined until first needed (seeded lazily). */
  history?: SessionRecord[];
  historyEndS: number;
  offlineManual: boolean;
  offlineFault: boolean;
  offlineSinceS?: number;
  frozen?: Record<string, unknown>;
  error: boolean;
  pin?: { pin: string; expiresS: number; wrongLeft: number };
  owners: Set<string>;
}

type Status = {
  state: 'standby' | 'plugged' | 'charging' | 'error';
  /** Why not charging, when plugged: 'waiting' (ToU / charging-time hold), 'off' (limit 0), 'full'. */
  reason?: 'waiting' | 'off' | 'full';
  overrideActive: boolean;
};

export class SimEngine {
  readonly accounts = new Map<string, Account>();
  readonly defaultAccountToken: string;
  readonly spareUnitIds: string[] = [];
  private readonly units = new Map<string, SimUnit>();
  /** unit token -> {account, unit}. */
  private readonly tokens = new Map<string, { account: string; unitId: string }>();
  private readonly ids: Prng;
  private unitCount = 0;

  constructor(private readonly opts: EngineOptions) {
    this.ids = new Prng(childSeed(opts.seed, 0, 1));
    this.defaultAccountToken = this.createAccount(opts.accountToken);
    for (let i = 0; i < opts.units; i++) {
      const u = this.makeUnit();
      this.attach(this.defaultAccountToken, u.unitId);
    }
    for (let i = 0; i < opts.spareUnits; i++) this.spareUnitIds.push(this.makeUnit().unitId);
  }

  // ---------------------------------------------------------------- accounts and units

  createAccount(token?: string): string {
    const t = token ?? this.ids.uuid();
    if (!this.accounts.has(t)) this.accounts.set(t, { token: t, unitTokens: new Map() });
    return t;
  }

  accountUnits(accountToken: string): AccountUnitEntry[] {
    const acc = this.accounts.get(accountToken);
    if (!acc) throw new SimError(401, 'Invalid token');
    return [...acc.unitTokens].map(([unitId, token]) => ({ unitId, name: this.unitName(this.units.get(unitId)!), token }));
  }

  /** Adds a unit to an account (idempotent: an account that already has it gets its existing token). */
  attach(accountToken: string, unitId: string): AccountUnitEntry {
    const acc = this.accounts.get(accountToken);
    if (!acc) throw new SimError(401, 'Invalid token');
    const u = this.units.get(unitId);
    if (!u) throw new SimError(404, `Unknown unit ${unitId}`);
    let token = acc.unitTokens.get(unitId);
    if (!token) {
      token = this.ids.hex(32);
      acc.unitTokens.set(unitId, token);
      this.tokens.set(token, { account: accountToken, unitId });
      u.owners.add(accountToken);
      const spare = this.spareUnitIds.indexOf(unitId);
      if (spare >= 0) this.spareUnitIds.splice(spare, 1);
    }
    return { unitId, name: this.unitName(u), token };
  }

  hasUnit(unitId: string): boolean {
    return this.units.has(unitId);
  }

  private unitName(u: SimUnit): string {
    return typeof u.info.name === 'string' ? u.info.name : '';
  }

  private makeUnit(): SimUnit {
    const index = this.unitCount++;
    const seed = childSeed(this.opts.seed, index, 2);
    const r = new Prng(seed);
    // 28 decimal digits, like the document's "0814081508141535522516012129".
    const unitId = `08140815${r.digits(20)}`;
    const car = CARS[index % CARS.length];
    const carId = 4000 + ((index * 37 + r.int(0, 999)) % 6000);
    const [wire, unitRating] = RATINGS[index % RATINGS.length];
    const zone = ZONES[index % ZONES.length];
    const name = index < UNIT_NAMES.length ? UNIT_NAMES[index] : `Bay ${String(index + 1).padStart(3, '0')}`;
    const start = this.opts.startTime;
    const info: Record<string, unknown> = {
      name,
      address: `${100 + r.int(0, 8800)} ${r.pick(['Bransten Rd', 'Oak St', 'Elm Ave', 'Harbor Way', 'Mesa Dr'])}`,
      city: r.pick(['San Carlos', 'Redwood City', 'Boulder', 'Austin', 'Raleigh']),
      zip: String(r.int(10000, 99999)),
      country_code: 'US',
      unit_type_id: 1,
      IP: `50.168.${r.int(1, 254)}.${r.int(1, 254)}`,
      gascost: 350,
      mpg: 25,
      ecost: r.pick([12, 14, 18, 23]),
      whpermile: 300,
      timeZoneId: zone,
      amps_wire_rating: wire,
      amps_unit_rating: unitRating,
      garage_id: r.uuid(),
      cars: [
        {
          car_id: carId,
          description: car.description,
          battery_size_wh: car.batteryWh,
          battery_range_m: car.rangeM,
          charging_rate_w: car.rateW,
          model_id: car.modelId,
          model_info: {
            model_id: car.modelId,
            description: car.description,
            make: car.make,
            model: car.model,
            year: car.year,
            range_m: car.rangeM,
            battery_size_wh: car.batteryWh,
            charging_rate_w: car.rateW,
            images: { charging: '', default: '', plugged: '' },
          },
        },
      ],
      policy: { name: 'Default', user_control_allowed: true, charge_control_type: 'standby' },
      restrictions: {},
    };
    const custom = index % 3 === 1;
    const schedule: SimSchedule = custom
      ? { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 1320, end: 480, car_ready_by: 480 } }
      : { type: 'disabled', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 1380, end: 420, car_ready_by: 480 } };
    const notifications: Record<string, WireNotification> = {};
    for (const k of ['charging_delayed_due_to_ToU', 'start_charging', 'stop_charging', 'is_offline', 'is_back_online']) {
      notifications[k] = { email: false, push: k === 'is_offline' };
    }
    notifications.is_not_plugged_in_by = { email: false, push: false, time: 0 };
    const updateIntervalS = r.pick([3, 5, 10, 15, 30]);
    const u: SimUnit = {
      index,
      unitId,
      seed,
      info,
      infoTimestamp: Math.floor(start) - r.int(86400, 86400 * 60),
      ampsLimit: Math.min(wire, unitRating),
      schedule,
      notifications,
      overrideTime: 0,
      chargingTime: 0,
      updateIntervalS,
      pingPhaseS: r.int(0, updateIntervalS - 1),
      t: start,
      car: null,
      lastCarId: carId,
      plugUnplugTime: Math.floor(start) - r.int(3600, 20 * 3600),
      lifetimeWh: r.int(2_000_000, 5_000_000),
      lifetimeSavingsCents: 0,
      lifetimeCo2Nonstop: 0,
      lifetimeCo2Actual: 0,
      nextEventS: Infinity,
      events: new Prng(childSeed(this.opts.seed, index, 3)),
      nextSessionSeq: 0,
      historyEndS: start - 6 * 3600,
      offlineManual: false,
      offlineFault: false,
      error: false,
      owners: new Set(),
    };
    u.lifetimeSavingsCents = u.lifetimeWh * this.savingsPerWh(u);
    u.lifetimeCo2Nonstop = u.lifetimeWh * 0.42;
    u.lifetimeCo2Actual = u.lifetimeWh * 0.36;
    // Seeded history takes sequence numbers 0..59 (a year's: up to a few hundred); live sessions follow.
    u.nextSessionSeq = this.opts.historyDays ? 10_000 : 100;
    if (this.opts.autoPlug) {
      // Start the unit six hours in the past so that it reaches "now" mid-story: some cars
      // charging, some waiting for the ToU window, some driveways empty.
      u.t = start - 6 * 3600;
      const plugged = index === 0 || (index !== 2 && u.events.chance(0.55));
      if (plugged) {
        this.plug(u, u.t + (index === 0 ? 5 * 3600 + 1200 : u.events.int(0, 5 * 3600)), index === 0 ? 40000 : undefined);
        u.nextEventS = Math.max(u.car!.plugTimeS, start) + u.events.int(4 * 3600, 12 * 3600);
        // plug() ran "in the future" of u.t: treat as the event itself.
        u.t = u.car!.plugTimeS;
      } else {
        u.t = start;
        u.nextEventS = start + (index === 2 ? u.events.int(1800, 3600) : u.events.int(600, 8 * 3600));
      }
    }
    this.units.set(unitId, u);
    return u;
  }

  // ---------------------------------------------------------------- physics

  private zone(u: SimUnit): string {
    return toIanaZone(typeof u.info.timeZoneId === 'string' ? u.info.timeZoneId : undefined);
  }

  private num(u: SimUnit, key: string, fallback: number): number {
    const v = u.info[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  }

  /** Cents saved per Wh: gas not bought (gascost ¢/gal, mpg, whpermile) minus electricity (ecost ¢/kWh). */
  private savingsPerWh(u: SimUnit): number {
    const gascost = this.num(u, 'gascost', 350);
    const mpg = Math.max(1, this.num(u, 'mpg', 25));
    const whpermile = Math.max(1, this.num(u, 'whpermile', 300));
    const ecost = this.num(u, 'ecost', 12);
    return gascost / mpg / whpermile - ecost / 1000;
  }

  private ratingAmps(u: SimUnit): number {
    return Math.min(this.num(u, 'amps_wire_rating', 40), this.num(u, 'amps_unit_rating', 32));
  }

  private carInfo(u: SimUnit): { carId: number; batteryWh: number; rateW: number } {
    const cars = Array.isArray(u.info.cars) ? (u.info.cars as Record<string, unknown>[]) : [];
    const c = cars[0] ?? {};
    const n = (v: unknown, f: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : f);
    return { carId: n(c.car_id, u.lastCarId), batteryWh: n(c.battery_size_wh, 60000), rateW: n(c.charging_rate_w, 7200) };
  }

  /** Inside the time-of-use window? The day type and window are those of the local day (a wrapping window covers its day's late evening and early morning). */
  scheduleAllows(u: SimUnit, atS: number): boolean {
    const s = u.schedule;
    if (s.type !== 'custom') return true;
    const lt = localTime(this.zone(u), atS);
    return inWindow(lt.weekend ? s.weekend : s.weekday, lt.minuteOfDay);
  }

  private status(u: SimUnit, atS: number): Status {
    const overrideActive = u.overrideTime > 0 && u.overrideTime <= atS;
    if (!u.car) return { state: u.error ? 'error' : 'standby', overrideActive };
    if (u.error) return { state: 'error', overrideActive };
    if (u.car.full) return { state: 'plugged', reason: 'full', overrideActive };
    if (u.ampsLimit <= 0) return { state: 'plugged', reason: 'off', overrideActive };
    if (overrideActive) return { state: 'charging', overrideActive };
    if (u.chargingTime > atS) return { state: 'plugged', reason: 'waiting', overrideActive };
    if (!this.scheduleAllows(u, atS)) return { state: 'plugged', reason: 'waiting', overrideActive };
    return { state: 'charging', overrideActive };
  }

  /** Voltage (V) and current (A) while charging in the minute that holds `atS`. */
  private electrics(u: SimUnit, atS: number): { volts: number; amps: number } {
    const minute = Math.floor(atS / 60);
    const car = u.car!;
    const maxAmps = Math.max(0, Math.min(u.ampsLimit, this.ratingAmps(u), Math.floor(this.carInfo(u).rateW / 240)));
    const remaining = car.energyToAddWh - car.sessionWh;
    let amps = maxAmps;
    if (remaining < TAPER_WH) amps = Math.max(Math.min(MIN_AMPS, maxAmps), Math.round((maxAmps * remaining) / TAPER_WH));
    const volts = 240 + Math.round((hashUnit(u.seed, minute, 1) - 0.5) * 6) - Math.round(amps / 16);
    return { volts, amps: Math.max(0, amps) };
  }

  /** Simulates a unit up to `to` (virtual epoch seconds). */
  private advanceUnit(u: SimUnit, to: number): void {
    let guard = 0;
    while (u.t < to) {
      if (++guard > 5_000_000) throw new Error('simulator: runaway time step');
      if (u.nextEventS <= u.t) {
        this.fireEvent(u);
        continue;
      }
      const a = u.t;
      let b = Math.min(to, u.nextEventS);
      const st = this.status(u, a);
      if (st.state === 'charging') {
        b = Math.min(b, nextMinute(a));
        const car = u.car!;
        const { volts, amps } = this.electrics(u, a);
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
        if (e > 0) this.accumulate(u, car, a, b, e);
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

  private accumulate(u: SimUnit, car: PluggedCar, a: number, b: number, e: number): void {
    const saved = e * this.savingsPerWh(u);
    car.sessionWh += e;
    car.sessionSavingsCents += saved;
    car.secondsCharging += b - a;
    u.lifetimeWh += e;
    u.lifetimeSavingsCents += saved;
    u.lifetimeCo2Nonstop += e * 0.42;
    u.lifetimeCo2Actual += e * 0.36;
    const last = car.intervals[car.intervals.length - 1];
    if (last && Math.abs(last[1] - a) < 1e-6) {
      last[1] = b;
      last[2] += e;
    } else {
      car.intervals.push([a, b, e]);
    }
  }

  private fireEvent(u: SimUnit): void {
    const at = u.nextEventS;
    if (u.car) {
      this.finishSession(u, at);
      u.nextEventS = at + u.events.int(2 * 3600, 14 * 3600);
    } else {
      this.plug(u, at);
      u.nextEventS = at + u.events.int(5 * 3600, 15 * 3600);
    }
    u.t = Math.max(u.t, at);
  }

  private plug(u: SimUnit, at: number, energyToAddWh?: number, energyAtPluginWh?: number): void {
    const ci = this.carInfo(u);
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

  private finishSession(u: SimUnit, at: number): void {
    const car = u.car;
    if (!car) return;
    if (car.sessionWh > 0) {
      this.ensureHistory(u).push({
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
  private ensureHistory(u: SimUnit): SessionRecord[] {
    if (u.history) return u.history;
    if (this.opts.historyDays) return (u.history = this.seedYearOfHistory(u, this.opts.historyDays));
    const r = new Prng(childSeed(this.opts.seed, u.index, 4));
    const count = r.int(30, 60);
    const out: SessionRecord[] = [];
    let cursor = u.historyEndS;
    const maxW = Math.min(this.ratingAmps(u), Math.floor(this.carInfo(u).rateW / 240)) * 240;
    const perWh = this.savingsPerWh(u);
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
      // Sessions without an id exist in the document's own example; the simulator always gives one.
      out.push({ id: (u.index + 1) * 100_000 + i, timeStart: start, timeEnd: end, durationS: dur, energyWh, savingsCents: Math.round(energyWh * perWh), intervals: [[cs, cs + dur, energyWh]] });
      cursor = start;
    }
    out.reverse();
    u.history = out;
    return out;
  }

  private seedYearOfHistory(u: SimUnit, days: number): SessionRecord[] {
    const schedule = u.schedule.type === 'custom' ? u.schedule.weekday.start : undefined;
    return yearOfHistory({
      seed: childSeed(this.opts.seed, u.index, 5),
      idBase: (u.index + 1) * 100_000,
      endS: u.historyEndS,
      days,
      zone: toIanaZone(typeof u.info.timeZoneId === 'string' ? u.info.timeZoneId : undefined),
      maxPowerW: Math.min(this.ratingAmps(u), Math.floor(this.carInfo(u).rateW / 240)) * 240,
      batteryWh: this.carInfo(u).batteryWh,
      whPerMile: Math.max(1, this.num(u, 'whpermile', 300)),
      savingsPerWh: this.savingsPerWh(u),
      windowStartMin: schedule,
    });
  }

  // ---------------------------------------------------------------- reporting

  private lastPingS(u: SimUnit, now: number): number {
    const ref = this.isOffline(u) && u.offlineSinceS !== undefined ? u.offlineSinceS : now;
    const k = Math.floor((ref - u.pingPhaseS) / u.updateIntervalS);
    return k * u.updateIntervalS + u.pingPhaseS;
  }

  private isOffline(u: SimUnit): boolean {
    return u.offlineManual || u.offlineFault;
  }

  /**
   * Start of the next allowed ToU period at or after `from` (epoch s): `from` itself when the
   * schedule allows charging then; undefined without a custom schedule.
   */
  private nextWindowStart(u: SimUnit, from: number): number | undefined {
    if (u.schedule.type !== 'custom') return undefined;
    if (this.scheduleAllows(u, from)) return Math.floor(from);
    const zone = this.zone(u);
    const off = localTime(zone, from).offsetS;
    const midnight0 = Math.floor((from + off) / 86400) * 86400 - off;
    for (let d = 0; d <= 8; d++) {
      const midnight = midnight0 + d * 86400;
      const w = localTime(zone, midnight + 3600).weekend ? u.schedule.weekend : u.schedule.weekday;
      // Allowed periods begin at a window's start or at a midnight where the day type changes.
      for (const c of [midnight, midnight + w.start * 60].sort((x, y) => x - y)) {
        if (c >= from && this.scheduleAllows(u, c) && !this.scheduleAllows(u, c - 60)) return c;
      }
    }
    return undefined;
  }

  /** get_state's reply for a unit at `now` (the unit has been advanced to now). */
  private renderState(u: SimUnit, now: number): Record<string, unknown> {
    const st = this.status(u, now);
    const car = u.car;
    const lt = localTime(this.zone(u), now);
    const minute = Math.floor(now / 60);
    let amps = 0;
    let volts = 240 + Math.round((hashUnit(u.seed, minute, 1) - 0.5) * 6);
    if (st.state === 'charging' && car) ({ volts, amps } = this.electrics(u, now));
    const powerW = volts * amps;
    const chargingOn = st.state === 'charging';
    const nowS = Math.floor(now);
    const windowStart = this.nextWindowStart(u, now);
    let triggersBlocking = 0;
    if (st.reason === 'off') triggersBlocking = 8;
    else if (st.reason === 'waiting') triggersBlocking = 1;
    const remainingWh = car && !car.full ? Math.max(0, car.energyToAddWh - car.sessionWh) : 0;
    const expectedW = powerW > 0 ? powerW : Math.min(u.ampsLimit, this.ratingAmps(u), Math.floor(this.carInfo(u).rateW / 240)) * 240;
    const chargingTimeLeft = remainingWh > 0 && expectedW > 0 ? Math.round((remainingWh * 3600) / expectedW) : 0;
    // When charging will (re)start: after a charging-time hold, at the next ToU window; an override wins.
    let targetTime = nowS;
    if (st.reason === 'waiting') {
      const from = Math.max(now, u.chargingTime > now ? u.chargingTime : 0);
      targetTime = Math.floor(this.nextWindowStart(u, from) ?? from);
    }
    if (u.overrideTime > 0) targetTime = u.overrideTime;
    const baseFreq = u.info.country_code === undefined || u.info.country_code === 'US' ? 6000 : 5000;
    const ambient = 18 + 6 * Math.sin(((lt.minuteOfDay - 540) / MINUTES_PER_DAY) * 2 * Math.PI);
    const sessionWh = car ? car.sessionWh : 0;
    return {
      ID: u.unitId,
      info_timestamp: u.infoTimestamp,
      show_override: st.overrideActive || (st.state === 'plugged' && st.reason === 'waiting'),
      state: st.state,
      charging: {
        amps_limit: u.ampsLimit,
        amps_current: amps,
        voltage: volts,
        wh_energy: Math.round(sessionWh),
        savings: Math.round(car ? car.sessionSavingsCents : 0),
        watt_power: powerW,
        seconds_charging: Math.round(car ? car.secondsCharging : 0),
        // Every field the document declares Integer goes out whole.
        wh_energy_at_plugin: car ? Math.round(car.energyAtPluginWh) : 0,
        wh_energy_to_add: car ? Math.round(car.energyToAddWh) : 0,
        flags: 0,
        co2: { nonstop: Math.round(sessionWh * 0.42), actual: Math.round(sessionWh * 0.36) },
      },
      lifetime: {
        wh_energy: Math.round(u.lifetimeWh),
        savings: Math.round(u.lifetimeSavingsCents),
        co2: { nonstop: Math.round(u.lifetimeCo2Nonstop), actual: Math.round(u.lifetimeCo2Actual) },
      },
      charging_time_left: chargingTimeLeft,
      plug_unplug_time: u.plugUnplugTime,
      target_time: Math.floor(targetTime),
      override_time: Math.floor(u.overrideTime),
      default_target_time: Math.floor(windowStart ?? nowS),
      time_last_ping: this.lastPingS(u, now),
      utc_time: nowS,
      unit_time: nowS + lt.offsetS,
      update_interval: u.updateIntervalS,
      temperature: Math.round(ambient + amps / 6 + (hashUnit(u.seed, Math.floor(minute / 5), 3) - 0.5) * 2),
      frequency: baseFreq + Math.round((hashUnit(u.seed, minute, 2) - 0.5) * 4),
      triggers_all: chargingOn ? 1 : 9,
      triggers_blocking: chargingOn ? 0 : triggersBlocking,
      car_id: car ? car.carId : u.lastCarId,
      success: true,
    };
  }

  /** What get_state answers: live, or frozen at the last check-in while offline. */
  private reportedState(u: SimUnit, now: number): Record<string, unknown> {
    if (!this.isOffline(u) || !u.frozen) return this.renderState(u, now);
    const lastPing = this.lastPingS(u, now);
    const copy = structuredClone(u.frozen);
    copy.utc_time = Math.floor(now);
    copy.unit_time = Math.floor(now) + localTime(this.zone(u), now).offsetS;
    copy.time_last_ping = lastPing;
    copy.info_timestamp = u.infoTimestamp;
    if (now - lastPing > DISCONNECT_AFTER_INTERVALS * u.updateIntervalS) copy.state = 'disconnect';
    return copy;
  }

  private bumpInfoTimestamp(u: SimUnit): void {
    u.infoTimestamp = Math.max(Math.floor(this.opts.now()), u.infoTimestamp + 1);
  }

  // ---------------------------------------------------------------- controls

  private unitOrThrow(unitId: string): SimUnit {
    const u = this.units.get(unitId);
    if (!u) throw new Error(`simulator: unknown unit ${unitId}`);
    return u;
  }

  /** Brings a unit to the current virtual time and returns it. */
  touch(unitId: string): SimUnit {
    const u = this.unitOrThrow(unitId);
    this.advanceUnit(u, this.opts.now());
    return u;
  }

  plugIn(unitId: string, energyToAddWh?: number, energyAtPluginWh?: number): void {
    const u = this.touch(unitId);
    if (u.car) return;
    this.plug(u, this.opts.now(), energyToAddWh, energyAtPluginWh);
    if (this.opts.autoPlug) u.nextEventS = this.opts.now() + u.events.int(5 * 3600, 15 * 3600);
  }

  unplug(unitId: string): void {
    const u = this.touch(unitId);
    if (!u.car) return;
    this.finishSession(u, this.opts.now());
    if (this.opts.autoPlug) u.nextEventS = this.opts.now() + u.events.int(2 * 3600, 14 * 3600);
  }

  setError(unitId: string, error: boolean): void {
    this.touch(unitId).error = error;
  }

  setOffline(unitId: string, offline: boolean, source: 'manual' | 'fault'): void {
    const u = this.touch(unitId);
    const was = this.isOffline(u);
    if (source === 'manual') u.offlineManual = offline;
    else u.offlineFault = offline;
    const is = this.isOffline(u);
    const now = this.opts.now();
    if (!was && is) {
      u.offlineSinceS = now;
      u.frozen = this.renderState(u, now);
    } else if (was && !is) {
      u.offlineSinceS = undefined;
      u.frozen = undefined;
    }
  }

  /** Units offline because of the fault config. */
  setFaultOffline(unitIds: readonly string[]): void {
    const want = new Set(unitIds);
    for (const u of this.units.values()) {
      if (u.offlineFault !== want.has(u.unitId)) this.setOffline(u.unitId, want.has(u.unitId), 'fault');
    }
  }

  snapshot(unitId: string): SimUnitSnapshot {
    const u = this.touch(unitId);
    const now = this.opts.now();
    const live = this.renderState(u, now);
    const reported = this.reportedState(u, now);
    const liveCharging = live.charging as Record<string, number>;
    const history = this.ensureHistory(u);
    const car = u.car ? (({ intervals: _i, ...rest }) => rest)(u.car) : null;
    return structuredClone({
      unitId: u.unitId,
      name: this.unitName(u),
      state: live.state as SimUnitSnapshot['state'],
      reportedState: reported.state as string,
      online: !this.isOffline(u),
      virtualNowS: now,
      ampsLimit: u.ampsLimit,
      ampsCurrent: liveCharging.amps_current,
      voltageV: liveCharging.voltage,
      powerW: liveCharging.watt_power,
      schedule: u.schedule,
      info: u.info,
      infoTimestamp: u.infoTimestamp,
      notifications: u.notifications,
      overrideTime: u.overrideTime,
      chargingTime: u.chargingTime,
      car,
      lifetimeEnergyWh: u.lifetimeWh,
      updateIntervalS: u.updateIntervalS,
      timeLastPingS: this.lastPingS(u, now),
      sessions: history
        .slice()
        .reverse()
        .map(({ intervals: _i, ...s }) => s),
      accounts: u.owners.size,
      sharePin: u.pin && u.pin.expiresS > now ? u.pin.pin : undefined,
    });
  }

  // ---------------------------------------------------------------- commands

  /** Runs one protocol command for an endpoint. Throws SimError for success:false replies. */
  execute(endpoint: '/box_pin' | '/box_api_secure', rawBody: Record<string, unknown>): EngineReply {
    // Keys are trimmed before anything is read ("cmd " like " wh_energy"): the document is sloppy.
    let body: Record<string, unknown>;
    try {
      body = normaliseKeys(rawBody) as Record<string, unknown>;
    } catch (e) {
      return malformed((e as Error).message);
    }
    const cmd = body.cmd;
    if (typeof cmd !== 'string' || cmd === '') return malformed('Missing field "cmd"');
    const pinCmd = (BOX_PIN_COMMANDS as readonly string[]).includes(cmd);
    const apiCmd = (BOX_API_COMMANDS as readonly string[]).includes(cmd);
    if (!pinCmd && !apiCmd) throw new SimError(400, `Unknown command "${cmd}"`);
    if (pinCmd && endpoint !== '/box_pin') throw new SimError(400, `Command "${cmd}" is served by /box_pin`);
    if (apiCmd && endpoint !== '/box_api_secure') throw new SimError(400, `Command "${cmd}" is served by /box_api_secure`);
    const v = validateRequest(cmd as SimCommand, body);
    if (!v.ok) return malformed(v.message);
    const req = v.value as Record<string, unknown>;
    if (pinCmd) return ok(this.boxPin(cmd, req));
    // box_api_secure: the unit token decides the unit; an account token, when sent, must match it.
    const bound = this.tokens.get(req.token as string);
    if (!bound) throw new SimError(401, 'Invalid token');
    if (req.account_token !== undefined && req.account_token !== bound.account) throw new SimError(401, 'Invalid token');
    const acc = this.accounts.get(bound.account);
    if (!acc || acc.unitTokens.get(bound.unitId) !== req.token) throw new SimError(401, 'Invalid token');
    const u = this.units.get(bound.unitId);
    if (!u) throw new SimError(404, 'Unknown unit');
    this.advanceUnit(u, this.opts.now());
    return ok(this.boxApi(cmd, u, req));
  }

  private boxPin(cmd: string, req: Record<string, unknown>): Record<string, unknown> {
    const accountToken = req.account_token as string;
    if (!this.accounts.has(accountToken)) throw new SimError(401, 'Invalid token');
    if (cmd === 'get_account_units') {
      return { success: true, units: this.accountUnits(accountToken).map((e) => ({ name: e.name, token: e.token, unit_id: e.unitId })) };
    }
    const r = req as SimRequest<'add_unit'>;
    const unitId = r.ID.trim();
    if (!/^\d{28}$/.test(unitId)) throw new SimError(422, 'The unit ID must be the 28 digits printed on the JuiceBox');
    const u = this.units.get(unitId);
    if (!u) throw new SimError(404, `Unknown unit ${unitId}`);
    const acc = this.accounts.get(accountToken)!;
    if (cmd === 'add_unit') {
      if (!acc.unitTokens.has(unitId) && u.owners.size > 0) {
        throw new SimError(403, 'This unit belongs to another account: ask its owner for a share PIN');
      }
    } else {
      // share_device
      const pinReq = (req as SimRequest<'share_device'>).pin;
      if (!acc.unitTokens.has(unitId)) {
        const now = this.opts.now();
        const p = u.pin;
        if (!p || p.expiresS <= now) throw new SimError(403, 'No valid share PIN for this unit: ask its owner for a new one');
        if (p.pin !== pinReq) {
          if (--p.wrongLeft <= 0) u.pin = undefined;
          throw new SimError(403, 'Wrong PIN');
        }
        u.pin = undefined; // single use
      }
    }
    const e = this.attach(accountToken, unitId);
    return { success: true, unit_id: e.unitId, name: e.name, token: e.token };
  }

  private boxApi(cmd: string, u: SimUnit, req: Record<string, unknown>): Record<string, unknown> {
    const now = this.opts.now();
    switch (cmd) {
      case 'get_state':
        return this.reportedState(u, now);
      case 'set_limit': {
        const a = (req as SimRequest<'set_limit'>).amperage;
        const max = this.ratingAmps(u);
        if (!Number.isInteger(a) || (a !== 0 && (a < MIN_AMPS || a > max))) {
          throw new SimError(422, `Invalid amperage ${a}: use 0 (off) or a whole number from ${MIN_AMPS} to ${max} A`);
        }
        u.ampsLimit = a;
        this.bumpInfoTimestamp(u);
        return { success: true };
      }
      case 'get_schedule':
        return { ...structuredClone(u.schedule), info_timestamp: u.infoTimestamp, success: true, ID: u.unitId };
      case 'set_schedule': {
        // The document marks no field required: {type:"disabled"} alone keeps the stored windows
        // (they apply again when the schedule is turned back on); "custom" needs both.
        const r = req as SimRequest<'set_schedule'>;
        if (r.type !== 'disabled' && r.type !== 'custom') throw new SimError(422, `Unknown schedule type "${r.type}": use "disabled" or "custom"`);
        if (r.type === 'custom' && (!r.weekday || !r.weekend)) {
          throw new SimError(422, `A custom schedule needs both windows: "${r.weekday ? 'weekend' : 'weekday'}" is missing`);
        }
        const weekday = r.weekday ? checkWindow('weekday', r.weekday) : u.schedule.weekday;
        const weekend = r.weekend ? checkWindow('weekend', r.weekend) : u.schedule.weekend;
        u.schedule = { type: r.type, weekday, weekend };
        this.bumpInfoTimestamp(u);
        return { success: true };
      }
      case 'get_history':
        return this.history(u, (req as SimRequest<'get_history'>).continuity_token);
      case 'get_plot': {
        const r = req as SimRequest<'get_plot'>;
        return { success: true, points: this.plot(u, r.session_id, r.intervals, r.attribute ?? 'power', now) };
      }
      case 'get_share_pin': {
        const pin = String(Math.floor(this.ids.next() * 10000)).padStart(4, '0');
        u.pin = { pin, expiresS: now + PIN_REAL_TTL_S * Math.max(1, this.opts.speed), wrongLeft: PIN_MAX_WRONG };
        return { success: true, pin };
      }
      case 'get_info':
        return { ...structuredClone(u.info), info_timestamp: u.infoTimestamp, success: true };
      case 'set_info':
        this.setInfo(u, req);
        return { success: true };
      case 'set_override': {
        const r = req as SimRequest<'set_override'>;
        if (!Number.isInteger(r.override_time) || r.override_time < 0) throw new SimError(422, 'override_time must be 0 (cancel) or epoch seconds');
        for (const [k, v] of [
          ['energy_to_add', r.energy_to_add],
          ['energy_at_plugin', r.energy_at_plugin],
        ] as const) {
          if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 1_000_000)) throw new SimError(422, `${k} must be a whole number of Wh from 0 to 1000000`);
        }
        u.overrideTime = r.override_time;
        // energy_to_add is the session's goal, as get_state's wh_energy_to_add reports it ("amount
        // of energy to be added", counted from plug-in like wh_energy), not an amount on top of what
        // the car already took. 0 means "not set": the car's own need stays.
        if (r.override_time > 0 && r.energy_to_add !== undefined && r.energy_to_add > 0) {
          if (u.car) {
            if (u.car.energyToAddWh !== r.energy_to_add) {
              u.car.energyToAddWh = r.energy_to_add;
              // A bigger goal restarts a car that had reached the old one; a smaller one may end the session.
              u.car.full = u.car.sessionWh >= r.energy_to_add;
            }
          } else u.pendingEnergyToAddWh = r.energy_to_add;
        }
        if (r.override_time > 0 && r.energy_at_plugin !== undefined) {
          if (u.car) u.car.energyAtPluginWh = r.energy_at_plugin;
          else if (r.energy_at_plugin > 0) u.pendingEnergyAtPluginWh = r.energy_at_plugin;
        }
        // Overriding a full car restarts nothing: the battery is full.
        this.bumpInfoTimestamp(u);
        return { success: true };
      }
      case 'set_charging_time': {
        const t = (req as SimRequest<'set_charging_time'>).charging_time;
        if (!Number.isInteger(t) || t < 0) throw new SimError(422, 'charging_time must be 0 (no hold) or epoch seconds');
        u.chargingTime = t;
        this.bumpInfoTimestamp(u);
        return { success: true };
      }
      case 'get_notifications': {
        const out: Record<string, unknown> = {};
        const wireKeys: Readonly<Record<string, string>> = NOTIFICATION_WIRE_KEYS;
        for (const [k, v] of Object.entries(u.notifications)) out[Object.hasOwn(wireKeys, k) ? wireKeys[k] : k] = structuredClone(v);
        return { success: true, notifications: out };
      }
      case 'set_notifications': {
        const incoming = (req as SimRequest<'set_notifications'>).notifications;
        const next = structuredClone(u.notifications);
        for (const [rawKey, val] of Object.entries(incoming)) {
          // Keys arrive trimmed ("start_charging " and "start_charging" are the same event).
          const key = NOTIFICATION_EVENT_BY_LOWER.get(rawKey.trim().toLowerCase());
          if (!key) {
            const shown = rawKey.length > 60 ? `${rawKey.slice(0, 59)}…` : rawKey;
            throw new SimError(422, `Unknown notification event ${JSON.stringify(shown)}: use one of ${NOTIFICATION_EVENTS.join(', ')}`);
          }
          if (val.time !== undefined && (!Number.isInteger(val.time) || val.time < 0 || val.time > MINUTES_PER_DAY)) {
            throw new SimError(422, `notifications.${key}.time must be minutes of the day (0..1440)`);
          }
          if (val.webhook) {
            const w = val.webhook;
            if (w.method !== undefined && w.method !== 'PUT' && w.method !== 'POST') throw new SimError(422, `notifications.${key}.webhook.method must be PUT or POST`);
            if (w.url !== undefined && w.url !== '' && !/^https?:\/\/\S+$/i.test(w.url)) throw new SimError(422, `notifications.${key}.webhook.url must be an http(s) URL`);
          }
          next[key] = structuredClone(val) as WireNotification;
        }
        u.notifications = next;
        this.bumpInfoTimestamp(u);
        return { success: true };
      }
    }
    throw new SimError(400, `Unknown command "${cmd}"`);
  }

  private setInfo(u: SimUnit, req: Record<string, unknown>): void {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req)) {
      // Envelope keys, and info_timestamp: the server's own clock of changes, not the client's to set.
      if (['cmd', 'token', 'account_token', 'device_id', 'success', 'info_timestamp'].includes(k)) continue;
      defineData(fields, k, v);
    }
    // Known fields must have the document's types (a stored "pro" unit_type_id would break every
    // client's get_info); numbers may come as numeric strings, as this wire sends them.
    const incoming = checkInfoTypes(INFO_TYPES, fields, '');
    for (const k of ['amps_wire_rating', 'amps_unit_rating']) {
      if (k in incoming) {
        const v = incoming[k] as number;
        if (v <= 0 || v > 200) throw new SimError(422, `${k} must be a whole number of amps from 1 to 200`);
      }
    }
    for (const k of ['gascost', 'mpg', 'ecost', 'whpermile']) {
      if (k in incoming && (incoming[k] as number) < 0) throw new SimError(422, `${k} must be a whole number, 0 or more`);
    }
    if ('name' in incoming && ((incoming.name as string).trim() === '' || (incoming.name as string).length > 100)) {
      throw new SimError(422, 'name must be 1 to 100 characters');
    }
    // The whole object is stored: fields the simulator does not know are kept for get_info.
    u.info = { ...u.info, ...structuredClone(incoming) };
    const max = this.ratingAmps(u);
    if (u.ampsLimit > max) u.ampsLimit = max;
    this.bumpInfoTimestamp(u);
  }

  private history(u: SimUnit, token: string | undefined): Record<string, unknown> {
    const all = this.ensureHistory(u);
    let before = Infinity;
    if (token !== undefined && token !== '') {
      const m = /^h1\.([0-9a-f]+)\.(\d+)$/.exec(token);
      if (!m || m[1] !== (u.seed >>> 0).toString(16)) throw new SimError(400, 'Invalid continuity_token: start again without it');
      before = Number(m[2]);
    }
    // Newest first; the token is "sessions older than id N", stable while new sessions arrive.
    const page: SessionRecord[] = [];
    let i = all.length - 1;
    while (i >= 0 && all[i].id >= before) i--;
    for (; i >= 0 && page.length < this.opts.historyPageSize; i--) page.push(all[i]);
    const more = i >= 0;
    const reply: Record<string, unknown> = {
      success: true,
      // The document's own example sends " wh_energy" (leading space) on one session: every session
      // with an odd id does here, so that clients meet the quirk over HTTP.
      sessions: page.map((s) => ({ id: s.id, time_start: s.timeStart, time_end: s.timeEnd, duration: s.durationS, [s.id % 2 === 1 ? ' wh_energy' : 'wh_energy']: s.energyWh, savings: s.savingsCents })),
    };
    if (more && page.length > 0) reply.continuity_token = `h1.${(u.seed >>> 0).toString(16)}.${page[page.length - 1].id}`;
    return reply;
  }

  private plot(u: SimUnit, sessionId: number, intervals: number, attribute: string, now: number): { t: number; v: number }[] {
    if (attribute !== 'power') throw new SimError(422, `Unknown attribute "${attribute}": the simulator plots "power"`);
    if (!Number.isInteger(intervals) || intervals < MIN_PLOT_INTERVALS || intervals > MAX_PLOT_INTERVALS) {
      throw new SimError(422, `intervals must be a whole number from ${MIN_PLOT_INTERVALS} to ${MAX_PLOT_INTERVALS}`);
    }
    let start: number;
    let end: number;
    let parts: ChargeInterval[];
    const live = u.car && u.car.sessionId === sessionId ? u.car : undefined;
    if (live) {
      start = live.plugTimeS;
      end = now;
      parts = live.intervals;
    } else {
      const s = this.ensureHistory(u).find((x) => x.id === sessionId);
      if (!s) throw new SimError(404, `Unknown session ${sessionId}`);
      start = s.timeStart;
      end = s.timeEnd;
      parts = s.intervals;
    }
    const width = Math.max(0, end - start) / intervals;
    const points: { t: number; v: number }[] = [];
    for (let i = 0; i < intervals; i++) {
      const b0 = start + i * width;
      const b1 = b0 + width;
      let wh = 0;
      for (const [a, b, e] of parts) {
        const overlap = Math.min(b, b1) - Math.max(a, b0);
        if (overlap > 0 && b > a) wh += (e * overlap) / (b - a);
      }
      // The bucket's mean power, so that sum(v * width) equals the session's energy.
      points.push({ t: Math.round(b0), v: width > 0 ? Math.round((wh * 3600) / width) : 0 });
    }
    return points;
  }
}

function ok(body: Record<string, unknown>): EngineReply {
  return { status: 200, body };
}

function malformed(message: string): EngineReply {
  return { status: 400, body: { success: false, error_code: 400, error_message: message } };
}

function nextMinute(t: number): number {
  return (Math.floor(t / 60) + 1) * 60;
}

/** A window's minutes: start <= m < end, or across midnight when end < start. start == end is an empty window. */
export function inWindow(w: WireWindow, minute: number): boolean {
  if (w.start === w.end) return false;
  if (w.start < w.end) return minute >= w.start && minute < w.end;
  return minute >= w.start || minute < w.end;
}

function checkWindow(name: string, w: { start: number; end: number; car_ready_by?: number }): WireWindow {
  for (const [k, v] of [
    ['start', w.start],
    ['end', w.end],
    ['car_ready_by', w.car_ready_by ?? 0],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > MINUTES_PER_DAY) throw new SimError(422, `${name}.${k} must be minutes of the day (0..1440), got ${v}`);
  }
  return { start: w.start, end: w.end, car_ready_by: w.car_ready_by ?? 0 };
}

/** The types get_info's fields have in the document (also what set_info may store). */
type InfoType = 'string' | 'int' | 'bool' | 'object' | { object: InfoTypes } | { array: InfoTypes };
type InfoTypes = Readonly<Record<string, InfoType>>;
const IMAGES_TYPES: InfoTypes = { charging: 'string', default: 'string', plugged: 'string' };
const MODEL_INFO_TYPES: InfoTypes = {
  model_id: 'string',
  description: 'string',
  make: 'string',
  model: 'string',
  year: 'int',
  range_m: 'int',
  range_city_m: 'int',
  range_highway_m: 'int',
  battery_size_wh: 'int',
  charging_rate_w: 'int',
  images: { object: IMAGES_TYPES },
};
const CAR_TYPES: InfoTypes = {
  car_id: 'int',
  description: 'string',
  battery_size_wh: 'int',
  battery_range_m: 'int',
  charging_rate_w: 'int',
  model_id: 'string',
  model_info: { object: MODEL_INFO_TYPES },
};
const INFO_TYPES: InfoTypes = {
  name: 'string',
  address: 'string',
  city: 'string',
  zip: 'string',
  country_code: 'string',
  load_group_id: 'string',
  unit_type_id: 'int',
  IP: 'string',
  gascost: 'int',
  mpg: 'int',
  ecost: 'int',
  whpermile: 'int',
  timeZoneId: 'string',
  amps_wire_rating: 'int',
  amps_unit_rating: 'int',
  garage_id: 'string',
  cars: { array: CAR_TYPES },
  policy: { object: { name: 'string', user_control_allowed: 'bool', charge_control_type: 'string' } },
  restrictions: 'object',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets a key as data (a "__proto__" key stays a key). */
function defineData(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * A copy of `obj` whose known fields (`types`) have the document's types, numeric strings of
 * integer fields turned into numbers; unknown fields are kept as they are. Throws SimError 422
 * naming the first field of the wrong type ("cars[0].car_id must be a whole number, got "x"").
 */
function checkInfoTypes(types: InfoTypes, obj: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const type = Object.hasOwn(types, k) ? types[k] : undefined;
    const path = `${prefix}${k}`;
    const bad = (what: string) => new SimError(422, `${path} must be ${what}, got ${describeValue(v)}`);
    let value = v;
    if (type === 'string') {
      if (typeof v !== 'string') throw bad('a string');
    } else if (type === 'int') {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad('a whole number');
      value = n;
    } else if (type === 'bool') {
      if (typeof v !== 'boolean') throw bad('true or false');
    } else if (type === 'object') {
      if (!isPlainObject(v)) throw bad('an object');
    } else if (type && 'object' in type) {
      if (!isPlainObject(v)) throw bad('an object');
      value = checkInfoTypes(type.object, v, `${path}.`);
    } else if (type && 'array' in type) {
      if (!Array.isArray(v)) throw bad('an array');
      value = v.map((item, n) => {
        if (!isPlainObject(item)) throw new SimError(422, `${path}[${n}] must be an object, got ${describeValue(item)}`);
        return checkInfoTypes(type.array, item, `${path}[${n}].`);
      });
    }
    defineData(out, k, value);
  }
  return out;
}
