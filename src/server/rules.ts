// The protocol server's rules that do not depend on where a unit's facts come from: errors,
// ratings, the zone a schedule is enforced in, set_info's field types, plot buckets. The rules the
// extension shares (minimum amps, windows, local time, the next window) are src/domain's.
import { chargerZone, machineTimeZone } from '../domain/time-zone';
import { MINUTES_PER_DAY } from '../domain/schedule';
import type { ChargeInterval, WireWindow } from './types';

/** A command failed in a way the protocol reports with success:false (`code` is its error_code). */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function infoNumber(info: Record<string, unknown>, key: string, fallback: number): number {
  const v = info[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The highest limit a unit may be set to: the lower of its wire rating and its own rating. */
export function ratingAmps(info: Record<string, unknown>): number {
  return Math.min(infoNumber(info, 'amps_wire_rating', 40), infoNumber(info, 'amps_unit_rating', 32));
}

/** Cents saved per Wh: gas not bought (gascost ¢/gal, mpg, whpermile) minus electricity (ecost ¢/kWh). */
export function savingsPerWh(info: Record<string, unknown>): number {
  const gascost = infoNumber(info, 'gascost', 350);
  const mpg = Math.max(1, infoNumber(info, 'mpg', 25));
  const whpermile = Math.max(1, infoNumber(info, 'whpermile', 300));
  const ecost = infoNumber(info, 'ecost', 12);
  return gascost / mpg / whpermile - ecost / 1000;
}

/**
 * This server's own zone (the zone of the machine it runs on, as the runtime resolves it; UTC when
 * it says none): the stated fallback for a charger without a zone (src/domain chargerZone's rule),
 * in which the server then enforces its schedule and counts its days. JuiceNet Local gives it to
 * every box it learns, so that a local box always reports one (the owner can change it, set_info).
 */
export const SERVER_TIME_ZONE: string = machineTimeZone();

/** The IANA zone a server enforces a unit's schedule in: its info's timeZoneId, or this server's zone when it has none (or one no one knows). */
export function unitZone(info: Record<string, unknown>): string {
  return chargerZone(typeof info.timeZoneId === 'string' ? info.timeZoneId : undefined, SERVER_TIME_ZONE).zone;
}

/**
 * get_plot's points: `intervals` buckets from start to end, each the bucket's mean power (W), so
 * that sum(v x width) equals the energy of the charging intervals.
 */
export function plotPoints(start: number, end: number, parts: readonly ChargeInterval[], intervals: number): { t: number; v: number }[] {
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
    points.push({ t: Math.round(b0), v: width > 0 ? Math.round((wh * 3600) / width) : 0 });
  }
  return points;
}

export function checkWindow(name: string, w: { start: number; end: number; car_ready_by?: number }): WireWindow {
  for (const [k, v] of [
    ['start', w.start],
    ['end', w.end],
    ['car_ready_by', w.car_ready_by ?? 0],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > MINUTES_PER_DAY) throw new ProtocolError(422, `${name}.${k} must be minutes of the day (0..1440), got ${v}`);
  }
  return { start: w.start, end: w.end, car_ready_by: w.car_ready_by ?? 0 };
}

/** The types get_info's fields have in the protocol (also what set_info may store). */
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
export const INFO_TYPES: InfoTypes = {
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
export function defineData(o: Record<string, unknown>, k: string, v: unknown): void {
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
 * A copy of `obj` whose known fields (`types`) have the protocol's types, numeric strings of
 * integer fields turned into numbers; unknown fields are kept as they are. Throws ProtocolError 422
 * naming the first field of the wrong type ("cars[0].car_id must be a whole number, got "x"").
 */
export function checkInfoTypes(types: InfoTypes, obj: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const type = Object.hasOwn(types, k) ? types[k] : undefined;
    const path = `${prefix}${k}`;
    const bad = (what: string) => new ProtocolError(422, `${path} must be ${what}, got ${describeValue(v)}`);
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
        if (!isPlainObject(item)) throw new ProtocolError(422, `${path}[${n}] must be an object, got ${describeValue(item)}`);
        return checkInfoTypes(type.array, item, `${path}[${n}].`);
      });
    }
    defineData(out, k, value);
  }
  return out;
}
