// Wire reply → domain value. Units go into the names (frequency 5999 → frequencyHz 59.99), unknown
// state strings become 'unknown' (the raw string is kept), a missing field stays undefined.
// A reply that does not fit is a ProtocolError naming the field (`charging.amps_limit: expected
// number, got "abc"`); `success:false` is an ApiError (AuthError for a rejected token). Never a crash.
import type * as z from 'zod';
import { ApiError, AuthError, ProtocolError } from './errors';
import { lenientJsonParse, DEFAULT_MAX_REPLY_BYTES } from './lenient-json';
import { redact } from './redact';
import type {
  AccountUnit,
  Car,
  HistoryPage,
  NotificationSetting,
  NotificationSettings,
  PlotPoint,
  Schedule,
  ScheduleWindow,
  UnitInfo,
  UnitState,
  UnitStatus,
  Webhook,
} from '../domain/model';
import type { Command } from './types';
import {
  normaliseKeys,
  replyBodySchemas,
  type WireAccountUnit,
  type WireCar,
  type WireNotificationSetting,
  type WireReply,
  type WireScheduleWindow,
} from './wire';

/** What parseReply returns for each command. */
export interface ReplyDomainMap {
  add_unit: AccountUnit;
  get_account_units: AccountUnit[];
  share_device: AccountUnit;
  get_state: UnitStatus;
  set_limit: void;
  get_schedule: Schedule;
  set_schedule: void;
  get_history: HistoryPage;
  get_plot: PlotPoint[];
  get_share_pin: string;
  get_info: UnitInfo;
  set_info: void;
  set_override: void;
  set_charging_time: void;
  get_notifications: NotificationSettings;
  set_notifications: void;
}

export interface ParseReplyOptions {
  /** Used when a get_state reply lacks `ID` (the caller knows which unit it asked about). */
  unitId?: string;
  maxReplyBytes?: number;
}

const UNIT_STATES: readonly UnitState[] = ['standby', 'plugged', 'charging', 'error', 'disconnect'];

/** Keys the server adds to every reply; not part of a unit's info. */
const ENVELOPE_KEYS = ['success', 'cmd', 'error_message', 'error_code'];

/**
 * Parses a reply (body text or an already-parsed JSON value) of `cmd` into its domain value.
 * Throws ProtocolError, ApiError or AuthError; nothing else.
 */
export function parseReply<C extends Command>(cmd: C, input: string | unknown, opts: ParseReplyOptions = {}): ReplyDomainMap[C] {
  const value = typeof input === 'string' ? lenientJsonParse(input, { maxBytes: opts.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES }) : input;
  const obj = normaliseKeys(value);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ProtocolError('(body)', `expected a JSON object, got ${describe(obj)}`, cmd);
  }
  checkSuccess(cmd, obj as Record<string, unknown>);
  const schema = replyBodySchemas[cmd] as z.ZodType;
  const r = schema.safeParse(obj);
  if (!r.success) throw issueToError(cmd, obj, r.error);
  return toDomain(cmd, r.data as WireReply<C>, opts, { value, keyed: obj as Record<string, unknown> }) as ReplyDomainMap[C];
}

/** The reply as received (`value`) and with its keys trimmed (`keyed`), for what the schema output loses. */
interface ReplyInput {
  value: unknown;
  keyed: Record<string, unknown>;
}

/** get_notifications results -> trimmed event name -> the key exactly as the server sent it. */
const wireKeysOfNotifications = new WeakMap<object, Readonly<Record<string, string>>>();

/**
 * The keys a get_notifications reply used for its events ("start_charging " with the protocol's
 * trailing space), by trimmed event name; undefined for any other object. set_notifications sends
 * each event back under the server's own spelling.
 */
export function notificationWireKeys(settings: NotificationSettings): Readonly<Record<string, string>> | undefined {
  return wireKeysOfNotifications.get(settings);
}

/** `success` first: an error reply carries none of the command's fields. */
function checkSuccess(cmd: Command, obj: Record<string, unknown>): void {
  let success = obj.success;
  if (typeof success === 'string') success = success.trim().toLowerCase() === 'true' ? true : success.trim().toLowerCase() === 'false' ? false : success;
  else if (success === 1 || success === 0) success = success === 1; // 0/1, as wire.ts's booleans accept
  if (success === undefined && cmd === 'get_info') return; // the protocol's own get_info example has none
  if (success === true) return;
  if (success !== false) {
    throw new ProtocolError('success', success === undefined ? 'missing (expected true or false)' : `expected boolean, got ${describe(success)}`, cmd);
  }
  const message = typeof obj.error_message === 'string' ? obj.error_message : undefined;
  const rawCode = obj.error_code;
  const code = typeof rawCode === 'number' ? rawCode : typeof rawCode === 'string' && /^\s*\d+\s*$/.test(rawCode) ? Number(rawCode) : undefined;
  if (isAuthFailure(code, message, cmd)) throw new AuthError(message, code, cmd);
  throw new ApiError(message, code, cmd);
}

/**
 * 401/403, or a message saying the token is invalid/expired. Exception: a 403 to add_unit or
 * share_device whose message is not about the token means "you may not claim this unit" (wrong
 * PIN, owned by another account): telling the user to sign in again would be wrong there.
 */
export function isAuthFailure(code: number | undefined, message: string | undefined, cmd?: Command): boolean {
  const aboutToken = !!message && /token/i.test(message) && /(invalid|expired|revoked|unknown|not valid|unauthori[sz]ed)/i.test(message);
  if (aboutToken || code === 401) return true;
  if (code === 403) return !((cmd === 'add_unit' || cmd === 'share_device') && !!message && !/token/i.test(message));
  return false;
}

function issueToError(cmd: Command, input: unknown, error: z.ZodError): ProtocolError {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
  const got = valueAt(input, issue.path);
  let detail: string;
  if (issue.code === 'invalid_type') {
    detail = got === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${describe(got)}`;
  } else {
    detail = `${issue.message}${got !== undefined ? `, got ${describe(got)}` : ''}`;
  }
  return new ProtocolError(path, detail, cmd);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** A short, redacted rendering of an offending value for error messages. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return redact(s.length > 60 ? `${s.slice(0, 59)}…` : s);
}

// ---- domain conversion ----

function toDomain(cmd: Command, w: unknown, opts: ParseReplyOptions, input: ReplyInput): unknown {
  switch (cmd) {
    case 'add_unit':
    case 'share_device':
      return accountUnit(w as WireReply<'add_unit'>);
    case 'get_account_units':
      return (w as WireReply<'get_account_units'>).units.map(accountUnit);
    case 'get_state':
      return unitStatus(w as WireReply<'get_state'>, opts.unitId);
    case 'get_schedule':
      return schedule(w as WireReply<'get_schedule'>);
    case 'get_history': {
      const h = w as WireReply<'get_history'>;
      const page: HistoryPage = {
        sessions: h.sessions.map((s) =>
          compact({
            id: s.id,
            timeStart: s.time_start,
            timeEnd: s.time_end,
            durationS: s.duration,
            energyWh: s.wh_energy,
            savingsCents: s.savings,
          }),
        ),
      };
      if (h.continuity_token) page.continuityToken = h.continuity_token;
      return page;
    }
    case 'get_plot':
      return (w as WireReply<'get_plot'>).points.map((p) => ({ t: p.t, v: p.v }));
    case 'get_share_pin':
      return (w as WireReply<'get_share_pin'>).pin;
    case 'get_info':
      return unitInfo(w as WireReply<'get_info'>, input.keyed);
    case 'get_notifications': {
      const settings = notifications(w as WireReply<'get_notifications'>);
      wireKeysOfNotifications.set(settings, rawKeys(rawMember(input.value, 'notifications')));
      return settings;
    }
    default:
      return undefined; // acknowledgements (set_*)
  }
}

function accountUnit(u: WireAccountUnit): AccountUnit {
  return { unitId: u.unit_id, name: u.name ?? '', token: u.token };
}

/** Drops keys whose value is undefined, so objects compare and serialise cleanly. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function unitStatus(s: WireReply<'get_state'>, fallbackUnitId?: string): UnitStatus {
  const raw = s.state ?? '';
  const lower = raw.toLowerCase();
  const state: UnitState = (UNIT_STATES as readonly string[]).includes(lower) ? (lower as UnitState) : 'unknown';
  const c = s.charging ?? {};
  const l = s.lifetime ?? {};
  const co2 = (x: { nonstop?: number; actual?: number } | undefined) => (x ? compact({ nonstop: x.nonstop, actual: x.actual }) : undefined);
  return compact<UnitStatus>({
    unitId: s.ID || fallbackUnitId || '',
    state,
    rawState: raw,
    infoTimestamp: s.info_timestamp,
    showOverride: s.show_override,
    charging: compact({
      ampsLimit: c.amps_limit,
      ampsCurrent: c.amps_current,
      voltageV: c.voltage,
      energyWh: c.wh_energy,
      savingsCents: c.savings,
      powerW: c.watt_power,
      secondsCharging: c.seconds_charging,
      energyAtPluginWh: c.wh_energy_at_plugin,
      energyToAddWh: c.wh_energy_to_add,
      flags: c.flags,
      co2: co2(c.co2),
    }),
    lifetime: compact({ energyWh: l.wh_energy, savingsCents: l.savings, co2: co2(l.co2) }),
    chargingTimeLeftS: s.charging_time_left,
    plugUnplugTime: s.plug_unplug_time,
    targetTime: s.target_time,
    overrideTime: s.override_time,
    defaultTargetTime: s.default_target_time,
    timeLastPing: s.time_last_ping,
    utcTime: s.utc_time,
    unitTime: s.unit_time,
    updateIntervalS: s.update_interval,
    temperatureC: s.temperature,
    // Hundredths of a hertz on the wire (5999 = 59.99 Hz); rounding avoids 59.989999….
    frequencyHz: s.frequency === undefined ? undefined : Math.round(s.frequency) / 100,
    triggersAll: s.triggers_all,
    triggersBlocking: s.triggers_blocking,
    carId: s.car_id,
  });
}

function window(w: WireScheduleWindow): ScheduleWindow {
  // car_ready_by is absent from some replies; 0 is what the protocol itself sends for "not set".
  return { start: w.start, end: w.end, carReadyBy: w.car_ready_by ?? 0 };
}

function schedule(s: WireReply<'get_schedule'>): Schedule {
  const type = s.type.toLowerCase();
  if (type !== 'disabled' && type !== 'custom') {
    throw new ProtocolError('type', `expected "disabled" or "custom", got ${describe(s.type)}`, 'get_schedule');
  }
  return compact<Schedule>({
    type,
    weekday: window(s.weekday),
    weekend: window(s.weekend),
    infoTimestamp: s.info_timestamp,
    unitId: s.ID || undefined,
  });
}

function car(c: WireCar): Car {
  const m = c.model_info;
  return compact<Car>({
    carId: c.car_id,
    description: c.description,
    batterySizeWh: c.battery_size_wh,
    batteryRangeM: c.battery_range_m,
    chargingRateW: c.charging_rate_w,
    modelId: c.model_id,
    modelInfo: m
      ? compact({
          modelId: m.model_id,
          description: m.description,
          make: m.make,
          model: m.model,
          year: m.year,
          rangeM: m.range_m,
          batterySizeWh: m.battery_size_wh,
          chargingRateW: m.charging_rate_w,
          images: m.images ? compact({ charging: m.images.charging, default: m.images.default, plugged: m.images.plugged }) : undefined,
        })
      : undefined,
  });
}

/**
 * get_info: a known field of the wrong type (unit_type_id "pro", garage_id []) reads as unknown in
 * the normalised view (the schema catches it) but keeps its value in `raw`, so that set_info sends
 * back exactly what the server holds and one odd field never makes the whole reply unreadable.
 */
function unitInfo(i: WireReply<'get_info'>, keyed: Record<string, unknown>): UnitInfo {
  const raw = restoreCaught(i, keyed) as Record<string, unknown>;
  for (const k of ENVELOPE_KEYS) delete raw[k];
  return compact<UnitInfo>({
    name: i.name,
    ampsWireRating: i.amps_wire_rating,
    ampsUnitRating: i.amps_unit_rating,
    infoTimestamp: i.info_timestamp,
    timeZoneId: i.timeZoneId,
    cars: (i.cars ?? []).filter((c): c is WireCar => c !== undefined).map(car),
    policy: i.policy
      ? compact({ name: i.policy.name, userControlAllowed: i.policy.user_control_allowed, chargeControlType: i.policy.charge_control_type })
      : undefined,
    raw,
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A copy of a schema's output with every value the schema caught (output undefined where the input
 * had a non-null value) put back from the input, at any depth. Values the schema coerced ("16" ->
 * 16) stay coerced; a null stays dropped, as before (null means "not set" on this wire).
 */
function restoreCaught(out: unknown, input: unknown): unknown {
  if (Array.isArray(out) && Array.isArray(input)) {
    return out.map((x, n) => (x === undefined ? input[n] : restoreCaught(x, input[n])));
  }
  if (!isPlainObject(out) || !isPlainObject(input)) return out;
  const copy: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key stays data (as in normaliseKeys).
  const put = (k: string, v: unknown) => Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(out)) put(k, v);
  for (const [k, v] of Object.entries(input)) {
    const o = Object.hasOwn(copy, k) ? copy[k] : undefined;
    if (o !== undefined) put(k, restoreCaught(o, v));
    else if (v !== undefined && v !== null) put(k, v);
  }
  return copy;
}

/** The member `name` of a raw (untrimmed) object, found by trimmed key; an exact key wins. */
function rawMember(value: unknown, name: string): unknown {
  if (!isPlainObject(value)) return undefined;
  if (Object.hasOwn(value, name)) return value[name];
  for (const [k, v] of Object.entries(value)) if (k.trim() === name) return v;
  return undefined;
}

/** Trimmed key -> key as sent, for a raw object (an exact key wins over a padded one, as in normaliseKeys). */
function rawKeys(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) return out;
  for (const k of Object.keys(value)) {
    const name = k.trim();
    if (!Object.hasOwn(out, name) || k === name) Object.defineProperty(out, name, { value: k, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function notificationSetting(n: WireNotificationSetting): NotificationSetting {
  const upper = n.webhook?.method?.toUpperCase();
  const method: Webhook['method'] = upper === 'PUT' || upper === 'POST' ? upper : undefined;
  return compact<NotificationSetting>({
    // An absent delivery flag means that delivery is off (the server omits what is not enabled).
    email: n.email ?? false,
    push: n.push ?? false,
    time: n.time,
    webhook: n.webhook
      ? compact<Webhook>({
          url: n.webhook.url,
          method,
          authorizationHeaders: n.webhook.authorization_headers,
        })
      : undefined,
  });
}

function notifications(r: WireReply<'get_notifications'>): NotificationSettings {
  const out: NotificationSettings = {};
  for (const [k, v] of Object.entries(r.notifications)) out[k] = notificationSetting(v);
  return out;
}
