// Wire schemas (zod 4) for the request and reply of every command, with the vendor's names.
// Lenient on purpose, because the JuiceNet API's protocol (and so presumably the server) is sloppy:
//   - keys are trimmed recursively before validation (`" wh_energy"`, `"start_charging "`);
//   - numbers may arrive as strings ("16"), booleans as "true"/"false"; null counts as missing;
//   - every field but `success` is optional; unknown fields are kept (loose objects), so a get_info
//     reply can go back through set_info losing nothing.
// The normaliser (normalise.ts) turns these into the nouns of src/domain/model.ts.
import * as z from 'zod';
import type { NotificationEvent } from '../domain/model';
import type { Command } from './types';
import { ProtocolError } from './errors';
import { DEFAULT_MAX_DEPTH } from './lenient-json';

/**
 * Returns a copy of a JSON value with every object key trimmed. A key that was already exact wins
 * over a padded duplicate. Throws ProtocolError past `maxDepth` levels (iterative depth guard: the
 * value may come from a caller rather than from lenientJsonParse, which checks depth itself).
 */
export function normaliseKeys(value: unknown, maxDepth = DEFAULT_MAX_DEPTH, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) throw new ProtocolError('(body)', `reply is nested deeper than ${maxDepth} levels`);
  if (Array.isArray(value)) return value.map((v) => normaliseKeys(v, maxDepth, depth + 1));
  const out: Record<string, unknown> = {};
  const exact = new Set<string>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = k.trim();
    if (exact.has(key) && key !== k) continue;
    if (key === k) exact.add(key);
    // defineProperty: a "__proto__" key stays data, it never becomes the prototype.
    Object.defineProperty(out, key, { value: normaliseKeys(v, maxDepth, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A finite number, also from a numeric string; null/"" count as missing. */
export const num = z.preprocess((v) => {
  if (v === null) return undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : v;
  }
  return v;
}, z.number().finite().optional());
/** The same, required. */
export const reqNum = z.preprocess((v) => {
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.trim()))) return Number(v.trim());
  return v;
}, z.number().finite());

/** A boolean, also from "true"/"false" (any case) or 0/1; null counts as missing. */
function boolPre(v: unknown): unknown {
  if (v === null) return undefined;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  if (v === 0 || v === 1) return v === 1;
  return v;
}
export const bool = z.preprocess(boolPre, z.boolean().optional());
export const reqBool = z.preprocess(boolPre, z.boolean());

/** A string (trimmed); numbers are accepted and stringified (a PIN sent as 8447). */
export const str = z.preprocess(
  (v) => (v === null ? undefined : typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : v),
  z.string().optional(),
);
export const reqStr = z.preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : v), z.string());

/** Wraps a reply schema: keys trimmed first. */
function withKeys<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => normaliseKeys(v), schema);
}

// ---- common parts ----

/** Every reply: `success` required; on failure the server may add error_message/error_code. */
const replyBase = {
  success: reqBool,
  error_message: str,
  error_code: num,
  cmd: str,
};
export const wireBaseReply = z.looseObject(replyBase);
export type WireBaseReply = z.output<typeof wireBaseReply>;

const pinRequestBase = { cmd: z.string(), device_id: z.string(), account_token: z.string() };
const apiRequestBase = { cmd: z.string(), device_id: z.string(), token: z.string(), account_token: z.string().optional() };

export const wireCo2 = z.looseObject({ nonstop: num, actual: num });
export const wireCharging = z.looseObject({
  amps_limit: num,
  amps_current: num,
  voltage: num,
  wh_energy: num,
  savings: num,
  watt_power: num,
  seconds_charging: num,
  wh_energy_at_plugin: num,
  wh_energy_to_add: num,
  flags: num,
  co2: wireCo2.optional(),
});
export const wireLifetime = z.looseObject({ wh_energy: num, savings: num, co2: wireCo2.optional() });

export const wireScheduleWindow = z.looseObject({ start: reqNum, end: reqNum, car_ready_by: num });
export type WireScheduleWindow = z.output<typeof wireScheduleWindow>;

export const wireAccountUnit = z.looseObject({ unit_id: reqStr, name: str, token: reqStr });
export type WireAccountUnit = z.output<typeof wireAccountUnit>;

export const wireHistorySession = z.looseObject({ id: num, time_start: num, time_end: num, duration: num, wh_energy: num, savings: num });
export type WireHistorySession = z.output<typeof wireHistorySession>;

export const wirePlotPoint = z.looseObject({ t: reqNum, v: reqNum });

// get_info's fields are descriptive (none is needed to use the unit), so each one that has the
// wrong type reads as missing instead of failing the whole reply; normalise.ts keeps its raw value
// for the set_info round trip.
/** The schema, with a value of the wrong type read as undefined. */
const orUnknown = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const lStr = orUnknown(str);
const lNum = orUnknown(num);
const lBool = orUnknown(bool);
export const wireImages = z.looseObject({ charging: lStr, default: lStr, plugged: lStr });
export const wireModelInfo = z.looseObject({
  model_id: lStr,
  description: lStr,
  make: lStr,
  model: lStr,
  year: lNum,
  range_m: lNum,
  range_city_m: lNum,
  range_highway_m: lNum,
  battery_size_wh: lNum,
  charging_rate_w: lNum,
  images: orUnknown(wireImages),
});
export const wireCar = z.looseObject({
  car_id: lNum,
  description: lStr,
  battery_size_wh: lNum,
  battery_range_m: lNum,
  charging_rate_w: lNum,
  model_id: lStr,
  model_info: orUnknown(wireModelInfo),
});
export const wirePolicy = z.looseObject({ name: lStr, user_control_allowed: lBool, charge_control_type: lStr });

export const wireWebhook = z.looseObject({ url: str, method: str, authorization_headers: str });
export const wireNotificationSetting = z.looseObject({ email: bool, push: bool, time: num, webhook: wireWebhook.optional() });
export type WireNotificationSetting = z.output<typeof wireNotificationSetting>;
export const wireNotifications = z.record(z.string(), wireNotificationSetting);

/** The get_info body (also what set_info sends back, plus the request keys); see orUnknown. */
const infoFields = {
  name: lStr,
  address: lStr,
  city: lStr,
  zip: lStr,
  country_code: lStr,
  load_group_id: lStr,
  unit_type_id: lNum,
  IP: lStr,
  gascost: lNum,
  mpg: lNum,
  ecost: lNum,
  whpermile: lNum,
  timeZoneId: lStr,
  amps_wire_rating: lNum,
  amps_unit_rating: lNum,
  info_timestamp: lNum,
  garage_id: lStr,
  // One odd car (not an object) is dropped from the view; the others are still read.
  cars: orUnknown(z.array(orUnknown(wireCar))),
  policy: orUnknown(wirePolicy),
  restrictions: orUnknown(z.record(z.string(), z.unknown())),
};

// ---- requests ----

export const requestSchemas = {
  add_unit: z.looseObject({ ...pinRequestBase, cmd: z.literal('add_unit'), device_name: z.string().optional(), ID: z.string() }),
  get_account_units: z.looseObject({ ...pinRequestBase, cmd: z.literal('get_account_units') }),
  share_device: z.looseObject({ ...pinRequestBase, cmd: z.literal('share_device'), device_name: z.string().optional(), ID: z.string(), pin: z.string() }),
  get_state: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_state') }),
  set_limit: z.looseObject({ ...apiRequestBase, cmd: z.literal('set_limit'), amperage: z.number().int().nonnegative() }),
  get_schedule: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_schedule') }),
  // The protocol marks no field required. Windows only mean something for "custom" (the simulator
  // refuses a custom schedule without both), and car_ready_by is 0 when absent ("not set", as the
  // protocol's own request example sends it).
  set_schedule: z.looseObject({
    ...apiRequestBase,
    cmd: z.literal('set_schedule'),
    type: z.enum(['disabled', 'custom']),
    weekday: z.object({ start: z.number(), end: z.number(), car_ready_by: z.number().optional() }).optional(),
    weekend: z.object({ start: z.number(), end: z.number(), car_ready_by: z.number().optional() }).optional(),
  }),
  get_history: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_history'), continuity_token: z.string().optional() }),
  get_plot: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_plot'), attribute: z.string().optional(), intervals: z.number(), session_id: z.number() }),
  get_share_pin: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_share_pin') }),
  get_info: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_info') }),
  set_info: z.looseObject({ ...apiRequestBase, cmd: z.literal('set_info') }),
  set_override: z.looseObject({
    ...apiRequestBase,
    cmd: z.literal('set_override'),
    override_time: z.number(),
    energy_at_plugin: z.number().optional(),
    energy_to_add: z.number().optional(),
  }),
  set_charging_time: z.looseObject({ ...apiRequestBase, cmd: z.literal('set_charging_time'), charging_time: z.number() }),
  get_notifications: z.looseObject({ ...apiRequestBase, cmd: z.literal('get_notifications') }),
  set_notifications: z.looseObject({
    ...apiRequestBase,
    cmd: z.literal('set_notifications'),
    notifications: z.record(
      z.string(),
      z.looseObject({
        email: z.boolean(),
        push: z.boolean(),
        time: z.number().optional(),
        webhook: z.looseObject({ url: z.string().optional(), method: z.string().optional(), authorization_headers: z.string().optional() }).optional(),
      }),
    ),
  }),
} satisfies Record<Command, z.ZodType>;

// ---- replies ----

const ack = z.looseObject({ ...replyBase });

/** Reply schemas over an already key-trimmed value (parseReply trims once, then validates). */
export const replyBodySchemas = {
  add_unit: z.looseObject({ ...replyBase, unit_id: reqStr, name: str, token: reqStr }),
  get_account_units: z.looseObject({ ...replyBase, units: z.array(wireAccountUnit) }),
  share_device: z.looseObject({ ...replyBase, unit_id: reqStr, name: str, token: reqStr }),
  get_state: z.looseObject({
    ...replyBase,
    ID: str,
    info_timestamp: num,
    show_override: bool,
    state: str,
    charging: wireCharging.optional(),
    lifetime: wireLifetime.optional(),
    charging_time_left: num,
    plug_unplug_time: num,
    target_time: num,
    override_time: num,
    default_target_time: num,
    time_last_ping: num,
    utc_time: num,
    unit_time: num,
    update_interval: num,
    temperature: num,
    frequency: num,
    triggers_all: num,
    triggers_blocking: num,
    car_id: num,
  }),
  set_limit: ack,
  get_schedule: z.looseObject({ ...replyBase, type: reqStr, weekday: wireScheduleWindow, weekend: wireScheduleWindow, info_timestamp: num, ID: str }),
  set_schedule: ack,
  get_history: z.looseObject({ ...replyBase, sessions: z.array(wireHistorySession), continuity_token: str }),
  get_plot: z.looseObject({ ...replyBase, points: z.array(wirePlotPoint) }),
  get_share_pin: z.looseObject({ ...replyBase, pin: reqStr }),
  // The protocol's get_info example has no `success`: a reply without it is taken as a success.
  get_info: z.looseObject({ ...replyBase, success: bool, ...infoFields }),
  set_info: ack,
  set_override: ack,
  set_charging_time: ack,
  get_notifications: z.looseObject({ ...replyBase, notifications: wireNotifications }),
  set_notifications: ack,
} satisfies Record<Command, z.ZodType>;

/** Reply schemas for raw JSON values: keys trimmed first, then validated. */
export const replySchemas = Object.fromEntries(Object.entries(replyBodySchemas).map(([cmd, schema]) => [cmd, withKeys(schema)])) as unknown as {
  [C in Command]: z.ZodType<z.output<(typeof replyBodySchemas)[C]>>;
};

export type WireRequest<C extends Command> = z.input<(typeof requestSchemas)[C]>;

/**
 * A type without a loose object's "and any other key" (an index signature of `unknown`), all the
 * way down; records (an index signature of a real type) keep theirs.
 */
export type KnownFields<T> = T extends readonly (infer E)[]
  ? KnownFields<E>[]
  : T extends object
    ? { [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: KnownFields<T[K]> }
    : T;
/**
 * What a server sends as `C`'s reply: exactly the fields the client's schema reads, each with the
 * type the schema reads it as. (The schemas are lenient, so their z.input is `unknown` field by
 * field and would check nothing; their output, without the loose "any other key", is what a
 * correct server sends.) src/server builds every reply as this type, so the compiler checks the
 * server against the client; test/unit/simulator-protocol.test.ts parses the replies back.
 */
export type WireReplyBody<C extends Command> = KnownFields<z.output<(typeof replyBodySchemas)[C]>>;
export type WireReply<C extends Command> = z.output<(typeof replyBodySchemas)[C]>;

export type WireAddUnitRequest = WireRequest<'add_unit'>;
export type WireShareDeviceRequest = WireRequest<'share_device'>;
export type WireSetScheduleRequest = WireRequest<'set_schedule'>;
export type WireSetNotificationsRequest = WireRequest<'set_notifications'>;
export type WireAddUnitReply = WireReply<'add_unit'>;
export type WireGetAccountUnitsReply = WireReply<'get_account_units'>;
export type WireShareDeviceReply = WireReply<'share_device'>;
export type WireGetStateReply = WireReply<'get_state'>;
export type WireGetScheduleReply = WireReply<'get_schedule'>;
export type WireGetHistoryReply = WireReply<'get_history'>;
export type WireGetPlotReply = WireReply<'get_plot'>;
export type WireGetSharePinReply = WireReply<'get_share_pin'>;
export type WireGetInfoReply = WireReply<'get_info'>;
export type WireGetNotificationsReply = WireReply<'get_notifications'>;
export type WireAckReply = z.output<typeof ack>;
export type WireCharging = z.output<typeof wireCharging>;
export type WireCar = z.output<typeof wireCar>;

/**
 * Each event's key as the protocol writes it on the wire: its get_notifications reply and its
 * set_notifications request example both have "start_charging " and "stop_charging " with a
 * trailing space. (The set_notifications field table's "unplug " cell is padded like many of its
 * type cells, "Integer ", so that one is taken as a table artefact, not a key.)
 */
export const NOTIFICATION_WIRE_KEYS: Readonly<Record<NotificationEvent, string>> = {
  charging_delayed_due_to_ToU: 'charging_delayed_due_to_ToU',
  start_charging: 'start_charging ',
  stop_charging: 'stop_charging ',
  is_offline: 'is_offline',
  is_back_online: 'is_back_online',
  is_not_plugged_in_by: 'is_not_plugged_in_by',
  unplug: 'unplug',
  plugin: 'plugin',
};
